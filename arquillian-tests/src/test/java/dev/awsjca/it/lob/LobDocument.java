package dev.awsjca.it.lob;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/** A document whose content is a PostgreSQL large object (an oid column): what Hibernate makes of a @Lob byte[]. */
@Entity
@Table(name = "lob_document")
public class LobDocument {

    @Id
    private Long id;

    @Lob
    @Column(name = "content")
    private byte[] content;

    protected LobDocument() {
    }

    public LobDocument(long id, byte[] content) {
        this.id = id;
        this.content = content;
    }

    public byte[] content() {
        return content;
    }
}

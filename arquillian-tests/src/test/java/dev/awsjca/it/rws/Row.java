package dev.awsjca.it.rws;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the test table, for the persistence unit on the reader definition. */
@Entity
@Table(name = "rows")
public class Row {

    @Id
    private String id;

    protected Row() {
    }

    public Row(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}

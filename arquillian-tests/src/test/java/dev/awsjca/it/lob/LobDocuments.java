package dev.awsjca.it.lob;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.Arrays;

/** Container-managed JTA transactions on the adapter's XA definition: one stores a document, another reads it. */
@Stateless
public class LobDocuments {

    @PersistenceContext(unitName = "lobs")
    private EntityManager em;

    public void store(long id, int size) {
        em.persist(new LobDocument(id, content(id, size)));
    }

    /** Whether the document reads back as it was stored. */
    public boolean matches(long id, int size) {
        LobDocument d = em.find(LobDocument.class, id);
        return d != null && Arrays.equals(d.content(), content(id, size));
    }

    static byte[] content(long id, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (id * 31 + i * 7);
        }
        return b;
    }
}

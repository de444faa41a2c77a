package dev.awsjca.testapp;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.transaction.UserTransaction;

import javax.sql.DataSource;

/** Bean-managed transactions: the application begins and ends them with UserTransaction. */
@Stateless
@TransactionManagement(TransactionManagementType.BEAN)
public class BmtRowWriter {

    @Resource
    private UserTransaction transaction;

    @Resource(name = TestApp.FIRST)
    private DataSource dataSource;

    public void insert(String id, boolean commit) throws Exception {
        transaction.begin();
        try {
            Rows.insert(dataSource, id);
        } catch (Exception e) {
            transaction.rollback();
            throw e;
        }
        if (commit) {
            transaction.commit();
        } else {
            transaction.rollback();
        }
    }
}

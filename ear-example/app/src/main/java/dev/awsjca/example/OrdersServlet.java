package dev.awsjca.example;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.sql.SQLException;

/** {@code GET /orders/} lists the orders, {@code POST /orders/?item=...} places one (its id is the answer). */
@WebServlet("/")
public class OrdersServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private Orders orders;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            answer(response, String.join("\n", orders.list()));
        } catch (SQLException e) {
            failed(response, e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String item = request.getParameter("item");
        if (item == null || item.isBlank()) {
            response.sendError(400, "item is missing");
            return;
        }
        try {
            answer(response, Long.toString(orders.place(item)));
        } catch (SQLException e) {
            failed(response, e);
        }
    }

    private static void answer(HttpServletResponse response, String text) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().print(text);
    }

    /** The SQLState tells the client what happened (08007: retry the order, it did not commit). */
    private static void failed(HttpServletResponse response, SQLException e) throws IOException {
        response.setStatus(503);
        answer(response, "SQLState " + e.getSQLState() + ": " + e.getMessage());
    }
}

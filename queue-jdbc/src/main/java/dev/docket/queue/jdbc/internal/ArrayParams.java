package dev.docket.queue.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Binds Java arrays as PostgreSQL array parameters ({@code unnest(?::int8[], ?::text[], ...)}): the column
 * arrays of a batch statement (enqueue, finish, heartbeat) in one call, each array's SQL type taken from its
 * element type. One statement per batch, however many jobs: no per-job work beyond filling the arrays.
 */
public final class ArrayParams {
    private ArrayParams() {
    }

    /**
     * Binds {@code columns} to the parameters {@code first}, {@code first + 1}, ... of {@code ps}.
     *
     * @return the index of the next parameter
     * @throws IllegalArgumentException for an element type other than Long, Integer, String, UUID or Double
     */
    public static int bind(Connection c, PreparedStatement ps, int first, Object[]... columns) throws SQLException {
        int p = first;
        for (Object[] column : columns) {
            ps.setArray(p++, c.createArrayOf(sqlType(column), column));
        }
        return p;
    }

    static String sqlType(Object[] column) {
        Class<?> type = column.getClass().getComponentType();
        if (type == Long.class) {
            return "int8";
        }
        if (type == Integer.class) {
            return "int4";
        }
        if (type == String.class) {
            return "text";
        }
        if (type == UUID.class) {
            return "uuid";
        }
        if (type == Double.class) {
            return "float8";
        }
        throw new IllegalArgumentException("no PostgreSQL array type for " + type.getName() + "[]");
    }
}

package io.lakehub.lakesql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Decides whether a statement may run, with DuckDB's own parser rather than patterns: the statement
 * goes through {@code json_serialize_sql}, which serializes only SELECT statements (DuckDB docs, "JSON
 * Extension: json_serialize_sql"), so {@code COPY}, {@code ATTACH}, {@code INSTALL}, {@code LOAD},
 * {@code SET}, {@code PRAGMA}, {@code CREATE}, {@code INSERT}, {@code EXPLAIN} and every other non-SELECT
 * statement is refused by the parser itself. In the parsed tree:
 * <ul>
 *   <li>there must be exactly one statement;</li>
 *   <li>a table function is refused unless it only computes rows ({@link #ALLOWED_TABLE_FUNCTIONS}):
 *   {@code read_csv}, {@code read_parquet}, {@code read_text}, {@code glob}, {@code query},
 *   {@code duckdb_settings} and the rest read files or the engine's state;</li>
 *   <li>a time-travel clause ({@code AT (VERSION => …)}) is refused: versions are named {@code "loans@3"};</li>
 *   <li>every table reference is collected ({@link TableRef}), so the catalog can pin it to a version and
 *   refuse unknown names (a quoted path would otherwise be read as a file by a replacement scan).</li>
 * </ul>
 * The statement that runs is the one DuckDB prints back from the checked tree ({@code json_deserialize_sql}),
 * so what runs is exactly what was checked. Stateless; the engine connection it is given does the parsing.
 */
public final class StatementCheck {

    /** Table functions a query may call: they compute rows and read nothing. */
    public static final Set<String> ALLOWED_TABLE_FUNCTIONS = Set.of("range", "generate_series", "unnest");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A table named in a statement.
     *
     * @param schema the schema as written, lower-cased; empty when not qualified
     * @param name   the table name as written (case kept), e.g. {@code loans} or {@code loans@v2015}
     */
    public record TableRef(String schema, String name) {
    }

    /** A checked statement: its tree, the tables it names (CTE names left out) and the CTE names. */
    public static final class Parsed {
        private final JsonNode tree;
        private final List<TableRef> tables;
        private final Set<String> cteNames;

        Parsed(JsonNode tree, List<TableRef> tables, Set<String> cteNames) {
            this.tree = tree;
            this.tables = tables;
            this.cteNames = cteNames;
        }

        /** The tables the statement names, in order of appearance, without repeats and without CTE names. */
        public List<TableRef> tables() {
            return tables;
        }

        /**
         * The statement with table references renamed, as DuckDB prints it.
         *
         * @param rename a reference to the new {@code (schema, name)}, or null to keep it
         * @throws SqlRefusedException if the engine cannot print the tree back
         */
        public String sql(Connection engine, Function<TableRef, TableRef> rename) {
            JsonNode copy = tree.deepCopy();
            visit(copy, node -> {
                if ("BASE_TABLE".equals(node.path("type").asText()) && !isCte(node, cteNames)) {
                    TableRef to = rename.apply(ref(node));
                    if (to != null) {
                        ObjectNode o = (ObjectNode) node;
                        o.put("schema_name", to.schema());
                        o.put("table_name", to.name());
                        o.put("catalog_name", "");
                        ArrayNode path = JSON.createArrayNode();
                        if (!to.schema().isEmpty()) {
                            path.add(to.schema());
                        }
                        path.add(to.name());
                        ObjectNode qualified = JSON.createObjectNode();
                        qualified.set("path", path);
                        o.set("qualified_name", qualified);
                    }
                }
            });
            try (PreparedStatement ps = engine.prepareStatement("SELECT json_deserialize_sql(?::JSON)")) {
                ps.setString(1, JSON.writeValueAsString(copy));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            } catch (SQLException | JsonProcessingException e) {
                throw new SqlRefusedException("the statement cannot be prepared: " + e.getMessage(), e);
            }
        }
    }

    private StatementCheck() {
    }

    /**
     * Parses and checks one statement.
     *
     * @param engine a connection of the engine (only parses; nothing is run)
     * @param sql    the statement text
     * @return the checked statement
     * @throws SqlRefusedException with the parser's message, or the rule the statement breaks
     */
    public static Parsed check(Connection engine, String sql) {
        if (sql == null || sql.isBlank()) {
            throw new SqlRefusedException("sql is empty: send one SELECT statement");
        }
        JsonNode result;
        try (PreparedStatement ps = engine.prepareStatement("SELECT json_serialize_sql(?)")) {
            ps.setString(1, sql);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                result = JSON.readTree(rs.getString(1));
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new SqlRefusedException(e.getMessage(), e);
        }
        if (result.path("error").asBoolean(false)) {
            String type = result.path("error_type").asText("");
            String message = result.path("error_message").asText("");
            if ("not implemented".equals(type) || message.contains("Only SELECT")) {
                throw new SqlRefusedException("only a single SELECT (or WITH … SELECT) statement may run: the SQL layer is "
                        + "read-only (" + message + ")");
            }
            throw new SqlRefusedException(message);
        }
        JsonNode statements = result.path("statements");
        if (statements.size() != 1) {
            throw new SqlRefusedException("send exactly one statement, not " + statements.size());
        }
        JsonNode tree = result;
        Set<String> ctes = new LinkedHashSet<>();
        visit(tree, node -> {
            JsonNode map = node.path("cte_map").path("map");
            for (JsonNode entry : map) {
                ctes.add(entry.path("key").asText().toLowerCase(Locale.ROOT));
            }
        });
        Set<TableRef> tables = new LinkedHashSet<>();
        visit(tree, node -> {
            String type = node.path("type").asText();
            if ("TABLE_FUNCTION".equals(type)) {
                String fn = node.path("function").path("function_name").asText().toLowerCase(Locale.ROOT);
                if (!ALLOWED_TABLE_FUNCTIONS.contains(fn)) {
                    throw new SqlRefusedException("table function " + fn + "() is not allowed: queries read the lake's "
                            + "tables and views by name (allowed table functions: " + String.join(", ",
                            new java.util.TreeSet<>(ALLOWED_TABLE_FUNCTIONS)) + ")");
                }
            } else if ("BASE_TABLE".equals(type)) {
                if (!node.path("at_clause").isNull() && !node.path("at_clause").isMissingNode()) {
                    throw new SqlRefusedException("AT (VERSION => …) is not supported: name a version as \""
                            + node.path("table_name").asText() + "@<version or tag>\"");
                }
                if (!node.path("catalog_name").asText("").isEmpty()) {
                    throw new SqlRefusedException("catalog-qualified names (" + node.path("catalog_name").asText()
                            + ".…) are not allowed: the lake is the only catalog");
                }
                if (!isCte(node, ctes)) {
                    tables.add(ref(node));
                }
            }
        });
        return new Parsed(tree, new ArrayList<>(tables), ctes);
    }

    private static boolean isCte(JsonNode node, Set<String> ctes) {
        return node.path("schema_name").asText("").isEmpty()
                && ctes.contains(node.path("table_name").asText().toLowerCase(Locale.ROOT));
    }

    private static TableRef ref(JsonNode node) {
        return new TableRef(node.path("schema_name").asText("").toLowerCase(Locale.ROOT), node.path("table_name").asText());
    }

    private static void visit(JsonNode node, java.util.function.Consumer<JsonNode> action) {
        if (node.isObject()) {
            action.accept(node);
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                visit(e.getValue(), action);
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                visit(child, action);
            }
        }
    }
}

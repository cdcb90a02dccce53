package io.lakehub.replication;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.ColumnTypes;

/**
 * The row filter of a replication request: a small expression language, parsed and evaluated by
 * the hub itself, so no request text ever reaches SQL or another engine.
 *
 * <p>Grammar (keywords case-insensitive, whitespace free):
 * <pre>
 * filter     := or
 * or         := and ( OR and )*
 * and        := not ( AND not )*
 * not        := NOT not | primary
 * primary    := '(' or ')' | column predicate
 * predicate  := op literal | [NOT] IN '(' literal ( ',' literal )* ')' | IS [NOT] NULL
 * op         := '=' | '!=' | '&lt;&gt;' | '&lt;' | '&lt;=' | '&gt;' | '&gt;='
 * literal    := 'text' ('' is a quote) | number | TRUE | FALSE | DATE 'yyyy-mm-dd' | TIMESTAMP 'yyyy-mm-ddThh:mm:ss'
 * column     := [A-Za-z_][A-Za-z0-9_]*, or "any text" ("" is a quote)
 * </pre>
 * Column names are checked against the table schema (case-insensitively, as Delta compares them) and
 * each literal is converted to its column's type when parsed ({@link ColumnTypes#parseText}: a date
 * column accepts {@code '2025-12-01'}); a literal that is not a value of that type is an error. Only
 * ordered types (numbers, text, dates, timestamps) take {@code < <= > >=}; binary columns take only
 * {@code IS [NOT] NULL}.
 *
 * <p>Evaluation follows SQL's three-valued logic (ISO/IEC 9075-2, "truth value"): a comparison with a
 * null is unknown, {@code NOT unknown} is unknown, {@code false AND unknown} is false, {@code true OR
 * unknown} is true; a row is selected only when the filter is true. So {@code company != 'X'} does
 * not select rows whose company is null, as in SQL.
 *
 * <p>Errors are {@link FilterException} with the 0-based character position. Immutable and thread-safe.
 */
public final class RowFilter {

    /** Longest filter text accepted, in characters. */
    public static final int MAX_LENGTH = 4000;
    /** Deepest nesting of parentheses and NOT accepted. */
    public static final int MAX_DEPTH = 64;

    /** A filter that selects every row. */
    public static final RowFilter ALL = new RowFilter("", null);

    private final String text;
    private final Node root;

    private RowFilter(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Parses a filter against a schema.
     *
     * @param text   the filter; null or blank selects every row
     * @param schema the columns the filter may name, with their types
     * @return the parsed filter
     * @throws FilterException if the text is not a valid filter for this schema (message and position)
     */
    public static RowFilter parse(String text, TableSchema schema) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        if (text.length() > MAX_LENGTH) {
            throw new FilterException("the filter is " + text.length() + " characters long; at most " + MAX_LENGTH
                    + " are accepted", MAX_LENGTH);
        }
        Parser p = new Parser(text, schema);
        Node root = p.or();
        Token t = p.peek();
        if (t.kind != Kind.END) {
            throw new FilterException("unexpected " + t.describe() + " after a complete condition; join conditions with AND or OR", t.pos);
        }
        return new RowFilter(text.trim(), root);
    }

    /** The filter text as given (trimmed); empty for {@link #ALL}. */
    public String text() {
        return text;
    }

    /** Whether this filter selects every row. */
    public boolean selectsAll() {
        return root == null;
    }

    /**
     * Whether a row is selected (the filter is true for it).
     *
     * @param row values in the order of the schema the filter was parsed with, classes as in {@link ColumnTypes}
     */
    public boolean test(Object[] row) {
        return root == null || Boolean.TRUE.equals(root.eval(row));
    }

    @Override
    public String toString() {
        return text;
    }

    /** A parse error at a position of the filter text. */
    public static final class FilterException extends IllegalArgumentException {
        private final int position;
        private final String reason;

        FilterException(String message, int position) {
            super("filter error at position " + position + ": " + message);
            this.position = position;
            this.reason = message;
        }

        /** The 0-based character position of the error in the filter text. */
        public int position() {
            return position;
        }
    }

    // ---------------------------------------------------------------- evaluation

    private interface Node {
        /** TRUE, FALSE, or null for unknown. */
        Boolean eval(Object[] row);
    }

    private record And(Node left, Node right) implements Node {
        public Boolean eval(Object[] row) {
            Boolean l = left.eval(row);
            if (Boolean.FALSE.equals(l)) {
                return false;
            }
            Boolean r = right.eval(row);
            if (Boolean.FALSE.equals(r)) {
                return false;
            }
            return l == null || r == null ? null : true;
        }
    }

    private record Or(Node left, Node right) implements Node {
        public Boolean eval(Object[] row) {
            Boolean l = left.eval(row);
            if (Boolean.TRUE.equals(l)) {
                return true;
            }
            Boolean r = right.eval(row);
            if (Boolean.TRUE.equals(r)) {
                return true;
            }
            return l == null || r == null ? null : false;
        }
    }

    private record Not(Node inner) implements Node {
        public Boolean eval(Object[] row) {
            Boolean v = inner.eval(row);
            return v == null ? null : !v;
        }
    }

    private record IsNull(int slot, boolean negated) implements Node {
        public Boolean eval(Object[] row) {
            return (row[slot] == null) != negated;
        }
    }

    private record Compare(int slot, String op, Object literal) implements Node {
        public Boolean eval(Object[] row) {
            Object v = row[slot];
            if (v == null) {
                return null;
            }
            int c = ColumnTypes.compare(v, literal);
            return switch (op) {
                case "=" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }
    }

    private record In(int slot, List<Object> values, boolean negated) implements Node {
        public Boolean eval(Object[] row) {
            Object v = row[slot];
            if (v == null) {
                return null;
            }
            for (Object candidate : values) {
                if (ColumnTypes.compare(v, candidate) == 0) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    // ---------------------------------------------------------------- lexing

    private enum Kind { IDENT, QUOTED_IDENT, STRING, NUMBER, OP, LPAREN, RPAREN, COMMA, END, ERROR }

    private record Token(Kind kind, String text, int pos) {
        boolean keyword(String word) {
            return kind == Kind.IDENT && text.equalsIgnoreCase(word);
        }

        String describe() {
            return switch (kind) {
                case END -> "end of the filter";
                case STRING -> "text '" + text + "'";
                case QUOTED_IDENT -> "column \"" + text + "\"";
                default -> "'" + text + "'";
            };
        }
    }

    /**
     * The tokens of {@code s}; a lexical error becomes a final ERROR token, so that the parser reports
     * whichever error comes first in the text, a lexical or a grammatical one.
     */
    private static List<Token> lex(String s) {
        List<Token> out = new ArrayList<>();
        try {
            lexInto(s, out);
        } catch (FilterException e) {
            out.add(new Token(Kind.ERROR, e.reason, e.position));
        }
        return out;
    }

    private static void lexInto(String s, List<Token> out) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ',') {
                out.add(new Token(c == '(' ? Kind.LPAREN : c == ')' ? Kind.RPAREN : Kind.COMMA, String.valueOf(c), i));
                i++;
            } else if (c == '\'' || c == '"') {
                int start = i;
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new FilterException(c == '\'' ? "text literal not closed: add a ' (write '' for a quote inside)"
                                : "quoted column name not closed: add a \"", start);
                    }
                    char d = s.charAt(i);
                    if (d == c) {
                        if (i + 1 < s.length() && s.charAt(i + 1) == c) {
                            sb.append(c);
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.append(d);
                    i++;
                }
                out.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_IDENT, sb.toString(), start));
            } else if (Character.isDigit(c) || ((c == '-' || c == '.') && i + 1 < s.length()
                    && (Character.isDigit(s.charAt(i + 1)) || s.charAt(i + 1) == '.'))) {
                int start = i;
                i++;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                        || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')))) {
                    i++;
                }
                String num = s.substring(start, i);
                try {
                    new BigDecimal(num);
                } catch (NumberFormatException e) {
                    throw new FilterException("'" + num + "' is not a number", start);
                }
                out.add(new Token(Kind.NUMBER, num, start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                out.add(new Token(Kind.IDENT, s.substring(start, i), start));
            } else if ("=!<>".indexOf(c) >= 0) {
                int start = i;
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                String op;
                if (two.equals("!=") || two.equals("<>") || two.equals("<=") || two.equals(">=")) {
                    op = two.equals("<>") ? "!=" : two;
                    i += 2;
                } else if (c == '!') {
                    throw new FilterException("'!' must be followed by '=' (not equal); use NOT to negate", start);
                } else {
                    op = String.valueOf(c);
                    i++;
                    if (op.equals("=") && i < s.length() && s.charAt(i) == '=') {
                        throw new FilterException("use a single '=' to compare", start);
                    }
                }
                out.add(new Token(Kind.OP, op, start));
            } else {
                throw new FilterException("unexpected character '" + c + "'; a filter holds column names, literals, "
                        + "= != < <= > >=, IN (...), IS [NOT] NULL, AND, OR, NOT and parentheses", i);
            }
        }
        out.add(new Token(Kind.END, "", s.length()));
    }

    // ---------------------------------------------------------------- parsing

    private static final class Parser {
        private final List<Token> tokens;
        private final TableSchema schema;
        private int at;
        private int depth;

        Parser(String text, TableSchema schema) {
            this.tokens = lex(text);
            this.schema = schema;
        }

        Token peek() {
            Token t = tokens.get(at);
            if (t.kind == Kind.ERROR) {
                throw new FilterException(t.text, t.pos);
            }
            return t;
        }

        Token take() {
            Token t = peek();
            at++;
            return t;
        }

        Node or() {
            Node left = and();
            while (peek().keyword("or")) {
                take();
                left = new Or(left, and());
            }
            return left;
        }

        Node and() {
            Node left = not();
            while (peek().keyword("and")) {
                take();
                left = new And(left, not());
            }
            return left;
        }

        Node not() {
            Token t = peek();
            if (t.keyword("not")) {
                take();
                enter(t);
                Node n = new Not(not());
                depth--;
                return n;
            }
            return primary();
        }

        private void enter(Token t) {
            if (++depth > MAX_DEPTH) {
                throw new FilterException("nesting deeper than " + MAX_DEPTH + " levels", t.pos);
            }
        }

        Node primary() {
            Token t = take();
            if (t.kind == Kind.LPAREN) {
                enter(t);
                Node inner = or();
                Token close = take();
                if (close.kind != Kind.RPAREN) {
                    throw new FilterException("expected ')' to close the '(' at position " + t.pos + ", found " + close.describe(), close.pos);
                }
                depth--;
                return inner;
            }
            if (t.kind != Kind.IDENT && t.kind != Kind.QUOTED_IDENT) {
                throw new FilterException("expected a column name, found " + t.describe(), t.pos);
            }
            if (t.kind == Kind.IDENT && isReserved(t.text)) {
                throw new FilterException("expected a column name, found the keyword " + t.text.toUpperCase(Locale.ROOT)
                        + " (quote a column of that name: \"" + t.text + "\")", t.pos);
            }
            int slot = column(t);
            Column field = schema.column(slot);
            Token op = take();
            if (op.keyword("is")) {
                boolean negated = false;
                if (peek().keyword("not")) {
                    take();
                    negated = true;
                }
                Token n = take();
                if (!n.keyword("null")) {
                    throw new FilterException("expected NULL after IS" + (negated ? " NOT" : "") + ", found " + n.describe(), n.pos);
                }
                return new IsNull(slot, negated);
            }
            boolean negatedIn = false;
            if (op.keyword("not")) {
                negatedIn = true;
                op = take();
                if (!op.keyword("in")) {
                    throw new FilterException("expected IN after NOT, found " + op.describe(), op.pos);
                }
            }
            if (op.keyword("in")) {
                requireComparable(field, op, false);
                Token open = take();
                if (open.kind != Kind.LPAREN) {
                    throw new FilterException("expected '(' after IN, found " + open.describe(), open.pos);
                }
                List<Object> values = new ArrayList<>();
                while (true) {
                    values.add(literal(field));
                    Token sep = take();
                    if (sep.kind == Kind.RPAREN) {
                        break;
                    }
                    if (sep.kind != Kind.COMMA) {
                        throw new FilterException("expected ',' or ')' in the IN list, found " + sep.describe(), sep.pos);
                    }
                }
                return new In(slot, values, negatedIn);
            }
            if (op.kind != Kind.OP) {
                throw new FilterException("expected an operator (= != < <= > >=, IN, IS NULL) after column "
                        + field.name() + ", found " + op.describe(), op.pos);
            }
            requireComparable(field, op, !op.text.equals("=") && !op.text.equals("!="));
            return new Compare(slot, op.text, literal(field));
        }

        private static boolean isReserved(String word) {
            return switch (word.toLowerCase(Locale.ROOT)) {
                case "and", "or", "not", "in", "is", "null", "true", "false" -> true;
                default -> false;
            };
        }

        private int column(Token t) {
            Column[] fields = schema.columns().toArray(new Column[0]);
            for (int i = 0; i < fields.length; i++) {
                if (fields[i].name().equalsIgnoreCase(t.text)) {
                    return i;
                }
            }
            throw new FilterException("unknown column " + t.text + "; the table has " + String.join(", ", schema.names()), t.pos);
        }

        private static void requireComparable(Column field, Token op, boolean ordered) {
            ColumnType type = field.type();
            if (type == ColumnType.BINARY) {
                throw new FilterException("column " + field.name() + " is binary; only IS [NOT] NULL applies to it", op.pos);
            }
            if (ordered && type == ColumnType.BOOLEAN) {
                throw new FilterException("column " + field.name() + " is boolean; compare it with = or !=", op.pos);
            }
        }

        /** The type's name in messages, as they have always read: {@code long}, {@code date}, {@code decimal}. */
        private static String kind(ColumnType type) {
            return type instanceof ColumnType.Decimal ? "decimal" : type.typeName();
        }

        private Object literal(Column field) {
            Token t = take();
            ColumnType type = field.type();
            String text;
            if (t.kind == Kind.STRING || t.kind == Kind.NUMBER) {
                if (t.kind == Kind.NUMBER && !numeric(type)) {
                    throw new FilterException("column " + field.name() + " is " + kind(type)
                            + "; compare it with a quoted literal, not the number " + t.text, t.pos);
                }
                if (t.kind == Kind.STRING && numeric(type)) {
                    throw new FilterException("column " + field.name() + " is " + kind(type)
                            + "; compare it with a number, not the text '" + t.text + "'", t.pos);
                }
                text = t.text;
            } else if (t.keyword("true") || t.keyword("false")) {
                if (!(type == ColumnType.BOOLEAN)) {
                    throw new FilterException("column " + field.name() + " is " + kind(type) + ", not boolean", t.pos);
                }
                text = t.text.toLowerCase(Locale.ROOT);
            } else if (t.keyword("date") || t.keyword("timestamp")) {
                Token v = take();
                if (v.kind != Kind.STRING) {
                    throw new FilterException("expected a quoted value after " + t.text.toUpperCase(Locale.ROOT) + ", found " + v.describe(), v.pos);
                }
                String wanted = t.text.toLowerCase(Locale.ROOT);
                if (!kind(type).equals(wanted)) {
                    throw new FilterException("column " + field.name() + " is " + kind(type) + ", not " + wanted, t.pos);
                }
                text = v.text;
                t = v;
            } else if (t.keyword("null")) {
                throw new FilterException("a comparison with NULL is never true; write " + field.name() + " IS NULL", t.pos);
            } else {
                throw new FilterException("expected a literal ('text', a number, TRUE, FALSE, DATE '...'), found " + t.describe(), t.pos);
            }
            try {
                Object value = ColumnTypes.parseText(type, text);
                if (type instanceof ColumnType.Decimal d && value instanceof BigDecimal b && b.precision() - b.scale() > d.precision() - d.scale()) {
                    throw new IllegalArgumentException("too large");
                }
                return value;
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new FilterException("'" + text + "' is not a " + kind(type) + " value for column " + field.name()
                        + (kind(type).equals("date") ? " (write yyyy-mm-dd)" : ""), t.pos);
            }
        }

        private static boolean numeric(ColumnType type) {
            return type == ColumnType.LONG || type == ColumnType.INTEGER || type == ColumnType.DOUBLE
                    || type == ColumnType.FLOAT || type instanceof ColumnType.Decimal;
        }
    }
}

package io.paraverse.daemon.upgrade;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SqlScriptSplitterTest {

    private static List<String> sql(String script) {
        return SqlScriptSplitter.split(script).stream().map(SqlStatement::sql).toList();
    }

    @Test
    void plainStatementsWithStartingLines() {
        List<SqlStatement> st = SqlScriptSplitter.split("CREATE TABLE a (id INT);\n\nINSERT INTO a\n  VALUES (1);\nSELECT 1");
        assertEquals(List.of(new SqlStatement("CREATE TABLE a (id INT)", 1),
                new SqlStatement("INSERT INTO a\n  VALUES (1)", 3),
                new SqlStatement("SELECT 1", 5)), st);
    }

    @Test
    void emptyStatementsAndTrailingCommentsAreDropped() {
        assertEquals(List.of("SELECT 1", "SELECT 2"), sql(";;SELECT 1;\n;\nSELECT 2;\n-- the end\n/* really */\n# done"));
        assertEquals(List.of(), sql("  \n-- nothing\n"));
    }

    @Test
    void semicolonsInsideQuotesDoNotSplit() {
        assertEquals(List.of("INSERT INTO t VALUES ('a;b', \"c;d\")", "SELECT `we;ird` FROM t"),
                sql("INSERT INTO t VALUES ('a;b', \"c;d\");SELECT `we;ird` FROM t;"));
    }

    @Test
    void backslashAndDoubledQuoteEscapes() {
        assertEquals(List.of("SELECT 'it\\'s; fine', 'it''s; fine', \"say \\\"hi;\\\"\", \"a\"\"b;\"", "SELECT 2"),
                sql("SELECT 'it\\'s; fine', 'it''s; fine', \"say \\\"hi;\\\"\", \"a\"\"b;\";SELECT 2;"));
        // a backslash before the closing quote's escape: '\\' is a complete string
        assertEquals(List.of("SELECT '\\\\'", "SELECT 2"), sql("SELECT '\\\\';SELECT 2;"));
        // backticks have no backslash escape, only doubling
        assertEquals(List.of("SELECT 1 AS `a\\`", "SELECT 1 AS `b``;c`"), sql("SELECT 1 AS `a\\`;SELECT 1 AS `b``;c`;"));
    }

    @Test
    void lineComments() {
        List<SqlStatement> st = SqlScriptSplitter.split("-- leading; comment\n# another; one\nSELECT 1 -- trailing; here\n, 2; # after\nSELECT 3;");
        assertEquals(2, st.size());
        assertEquals(new SqlStatement("SELECT 1 -- trailing; here\n, 2", 3), st.get(0));
        assertEquals(new SqlStatement("SELECT 3", 5), st.get(1));
        // "--" without a following space is two minus signs
        assertEquals(List.of("SELECT 5--3", "SELECT 1"), sql("SELECT 5--3;SELECT 1;"));
        assertEquals(List.of("SELECT 1 --\t;x"), List.of(sql("SELECT 1 --\t;x").get(0)));
        assertEquals(List.of("SELECT 1 --"), sql("SELECT 1 --"));
    }

    @Test
    void blockCommentsAndExecutableComments() {
        List<SqlStatement> st = SqlScriptSplitter.split(
                "/* header;\n spanning lines; */\n/*!40101 SET NAMES utf8mb4 */;\nSELECT /* in; line */ 1;\n/*M!100100 SET @x = ';' */;\nSELECT 2");
        assertEquals(List.of(new SqlStatement("/*!40101 SET NAMES utf8mb4 */", 3),
                new SqlStatement("SELECT /* in; line */ 1", 4),
                new SqlStatement("/*M!100100 SET @x = ';' */", 5),
                new SqlStatement("SELECT 2", 6)), st);
        // a quote inside an executable comment may hide its end
        assertEquals(List.of("/*!50003 SET @a = '*/;' */", "SELECT 1"), sql("/*!50003 SET @a = '*/;' */;SELECT 1;"));
    }

    @Test
    void delimiterChangesForProcedureBodies() {
        String script = """
                CREATE TABLE log (msg VARCHAR(50));
                DELIMITER $$
                CREATE PROCEDURE fill(n INT)
                BEGIN
                  -- semicolons in comments; ignored
                  DECLARE i INT DEFAULT 0; /* and here; too */
                  WHILE i < n DO
                    INSERT INTO log VALUES ('row; with $ and ;');
                    SET i = i + 1;
                  END WHILE;
                END $$
                delimiter ;
                CALL fill(3);
                DELIMITER //
                CREATE TRIGGER t BEFORE INSERT ON log FOR EACH ROW BEGIN SET NEW.msg = UPPER(NEW.msg); END//
                DELIMITER ;
                SELECT 1;
                """;
        List<SqlStatement> st = SqlScriptSplitter.split(script);
        assertEquals(5, st.size(), st.toString());
        assertEquals(1, st.get(0).line());
        SqlStatement proc = st.get(1);
        assertEquals(3, proc.line());
        assertTrue(proc.sql().startsWith("CREATE PROCEDURE fill(n INT)\nBEGIN"), proc.sql());
        assertTrue(proc.sql().endsWith("END WHILE;\nEND"), proc.sql());
        assertTrue(proc.sql().contains("'row; with $ and ;'"));
        assertEquals(new SqlStatement("CALL fill(3)", 13), st.get(2));
        assertEquals(15, st.get(3).line());
        assertTrue(st.get(3).sql().endsWith("UPPER(NEW.msg); END"), st.get(3).sql());
        assertEquals(new SqlStatement("SELECT 1", 17), st.get(4));
        assertTrue(st.stream().noneMatch(s -> s.sql().toUpperCase().contains("DELIMITER")));
    }

    @Test
    void delimiterWordInsideAStatementIsNotACommand() {
        assertEquals(List.of("SELECT 1 AS x\nDELIMITER", "SELECT 2"), sql("SELECT 1 AS x\nDELIMITER;SELECT 2;"));
    }

    @Test
    void crlfLineEndings() {
        List<SqlStatement> st = SqlScriptSplitter.split("SELECT 1;\r\n-- c\r\nSELECT 2;\r\n");
        assertEquals(List.of(new SqlStatement("SELECT 1", 1), new SqlStatement("SELECT 2", 3)), st);
    }

    @Test
    void unterminatedQuoteOrCommentNamesItsLine() {
        SqlScriptSplitter.UnterminatedException e = assertThrows(SqlScriptSplitter.UnterminatedException.class,
                () -> SqlScriptSplitter.split("SELECT 1;\nSELECT 'oops;\nSELECT 3;"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("string"), e.getMessage());
        assertEquals(3, assertThrows(SqlScriptSplitter.UnterminatedException.class,
                () -> SqlScriptSplitter.split("SELECT 1;\n\n/* never closed;\n")).line());
    }

    @Test
    void firstLineForProgress() {
        assertEquals("CREATE TABLE a ( …", new SqlStatement("CREATE TABLE a (\n id INT)", 1).firstLine(80));
        assertEquals("SELECT 1", new SqlStatement("SELECT 1", 1).firstLine(80));
        assertEquals("SELEC …", new SqlStatement("SELECT 1", 1).firstLine(5));
    }
}

package io.paraverse.capture;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a MariaDB source's row-based binlog into a {@link ChangeSink}: one {@link RowChange} per changed row,
 * then one {@link Commit} per source transaction, in binlog order, from one thread.
 *
 * <p>Positions are MariaDB GTID positions. Each commit carries the position to resume from after it; after a lost
 * connection capture tells the sink to {@linkplain ChangeSink#discardUncommitted() drop the rows of the unfinished
 * transaction} and resumes from the last commit's position, so the sink sees every committed transaction exactly
 * once. It reconnects forever, with exponential backoff; only errors that a reconnect cannot cure (the binlog lacks
 * {@code binlog_row_metadata=FULL}, an unsupported column type, a sink that throws) stop it, with
 * {@link State#FAILED} and {@link #failure()}.
 *
 * <p>Uses mysql-binlog-connector-java for the protocol; its own keep-alive/reconnect and position tracking are
 * switched off: a fresh client per connection starts at the last committed position, and a read timeout
 * ({@link CaptureConfig#keepAliveTimeout()}) over server heartbeats detects dead connections.
 */
public final class BinlogCapture implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinlogCapture.class);

    /** Lifecycle of a capture. */
    public enum State { NEW, CONNECTING, STREAMING, RECONNECTING, FAILED, STOPPED }

    private static final int FL_STANDALONE = 1;
    /** Account and privilege statements: not schema changes, and they may carry password hashes. */
    private static final Pattern ACCOUNT = Pattern.compile("(?is)\\s*(?:(?:CREATE|ALTER|DROP|RENAME)\\s+(?:OR\\s+REPLACE\\s+)?"
            + "(?:USER|ROLE)|GRANT|REVOKE|SET\\s+(?:PASSWORD|DEFAULT\\s+ROLE)|FLUSH|ANALYZE|OPTIMIZE|CHECK|REPAIR)\\b.*");
    private static final Pattern QUALIFIED = Pattern.compile("`((?:[^`]|``)+)`\\s*\\.|\\b([\\w$]+)\\s*\\.\\s*[`\\w$*]");

    private final CaptureConfig config;
    private final ChangeSink sink;
    private final Object lock = new Object();

    private volatile State state = State.NEW;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private Thread thread;
    private volatile Session session;

    // position and statistics (written by the capture thread only)
    private GtidState gtids = new GtidState();
    private volatile String resumePosition;
    private volatile SourcePosition lastCommitted;
    private volatile long rowsCaptured;
    private volatile long transactions;
    private volatile long reconnects;
    private volatile String lastError;
    private volatile boolean connected;
    private volatile long lastEventTimestamp;
    private volatile boolean caughtUp;

    private boolean mariaDb = true;
    private Collations collations = Collations.builtIn();
    private final Map<Long, TableMapping> tables = new HashMap<>();

    public BinlogCapture(CaptureConfig config, ChangeSink sink) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Connects and starts streaming on a capture thread; returns once the source streams (or throws).
     *
     * @param gtidPosition the MariaDB GTID position to resume from (as a {@link Commit}'s
     *                     {@code position().gtidPosition()} or {@code @@gtid_binlog_pos}: "0-1-42", several domains
     *                     comma-separated); null means "now" (the source's current {@code @@gtid_binlog_pos}, or the
     *                     first binlog when that is empty); "" means the first binlog
     * @throws CaptureException if the source cannot be reached, refuses the login or the position
     */
    public void start(String gtidPosition) {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("capture was already started (state " + state + ")");
            }
            state = State.CONNECTING;
        }
        try {
            if (gtidPosition != null && !GtidState.isPosition(gtidPosition)) {
                throw new IllegalArgumentException("not a MariaDB GTID position (domain-server-seq[,...]): '"
                        + gtidPosition + "'");
            }
            String position = inspectSource(gtidPosition);
            gtids = GtidState.parse(position);
            resumePosition = gtids.render();
            CountDownLatch ready = new CountDownLatch(1);
            Throwable[] startFailure = new Throwable[1];
            Thread t = new Thread(() -> run(ready, startFailure), "paraverse-capture-" + config.address());
            t.setDaemon(true);
            thread = t;
            t.start();
            long waitMs = config.connectTimeout().toMillis() * 3 + 30_000;
            boolean done;
            try {
                done = ready.await(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new CaptureException("interrupted while connecting to the binlog of " + config.address());
            }
            if (!done) {
                stop();
                throw new CaptureException("the binlog of " + config.address() + " did not start streaming within "
                        + waitMs / 1000 + " s (user " + config.user() + ")");
            }
            if (startFailure[0] == null && failure != null) {
                throw new CaptureException("capture of " + config.address() + " failed at once: "
                        + failure.getMessage(), failure);
            }
            if (startFailure[0] != null) {
                joinThread();
                state = State.FAILED;
                Throwable f = startFailure[0];
                if (f instanceof CaptureException ce) {
                    throw ce;
                }
                throw new CaptureException("cannot stream the binlog of " + config.address() + " as user "
                        + config.user() + ": " + describe(f), f);
            }
            log.info("capturing the binlog of {} from GTID position '{}' (server id {}, {})", config.address(),
                    position, config.serverId(), config.filter());
        } catch (RuntimeException e) {
            state = State.FAILED;
            failure = e;
            lastError = e.getMessage();
            throw e;
        }
    }

    /** Stops streaming and waits for the capture thread to end; no sink call happens after this returns. */
    public void stop() {
        Session s;
        synchronized (lock) {
            if (state == State.NEW) {
                state = State.STOPPED;
                return;
            }
            stopping = true;
            s = session;
            lock.notifyAll();
        }
        if (s != null) {
            s.abort();
        }
        joinThread();
        if (state != State.FAILED) {
            state = State.STOPPED;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public State state() {
        return state;
    }

    /** Whether the capture thread is alive (connected or reconnecting). */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && state != State.FAILED && state != State.STOPPED;
    }

    /** The error that stopped capture for good, or null. */
    public Throwable failure() {
        return failure;
    }

    /** The GTID position a restart would resume from (after the last commit delivered). */
    public String resumePosition() {
        return resumePosition;
    }

    public CaptureStats stats() {
        long behind;
        if (!connected) {
            behind = -1;
        } else if (caughtUp || lastEventTimestamp == 0) {
            behind = 0;
        } else {
            behind = Math.max(0, (System.currentTimeMillis() - lastEventTimestamp) / 1000);
        }
        return new CaptureStats(state, rowsCaptured, transactions, lastCommitted, resumePosition, connected, behind,
                reconnects, lastError);
    }

    public CaptureConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "BinlogCapture{" + config.address() + ", " + state + ", at '" + resumePosition + "'}";
    }

    // ---------------------------------------------------------------------------------------------------------
    // start-up over JDBC

    private String inspectSource(String requested) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             Statement st = c.createStatement()) {
            String version;
            long serverId;
            try (ResultSet rs = st.executeQuery("SELECT VERSION(), @@server_id")) {
                rs.next();
                version = rs.getString(1);
                serverId = rs.getLong(2);
            }
            mariaDb = version != null && version.toLowerCase(Locale.ROOT).contains("mariadb");
            if (!mariaDb) {
                throw new CaptureException("the source " + config.address() + " runs MySQL " + version
                        + "; BinlogCapture reads MariaDB GTID positions and supports MariaDB sources only");
            }
            if (serverId == config.serverId()) {
                throw new CaptureException("the capture's server id " + config.serverId()
                        + " equals the source's @@server_id: choose another capture server id");
            }
            collations = Collations.load(c);
            if (requested != null) {
                return requested.trim();
            }
            try (ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
                rs.next();
                String pos = rs.getString(1);
                return pos == null ? "" : pos.trim();
            }
        } catch (SQLException e) {
            throw new CaptureException("cannot query the source " + config.address() + " as user " + config.user()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Old-format TIME/DATETIME/TIMESTAMP columns are decodable only without fractional seconds (their binlog entry
     * does not carry the precision, which changes their size): ask the source for the precision.
     */
    private void refuseFractionalOldTemporals(TableMapping m, List<String> columns) {
        List<String> fractional = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATETIME_PRECISION FROM"
                     + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, m.schema);
            ps.setString(2, m.table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (columns.contains(rs.getString(1)) && rs.getInt(2) > 0) {
                        fractional.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new CaptureException("cannot read the column precision of " + m.schema + "." + m.table + " from "
                    + config.address() + ": " + e.getMessage(), e);
        }
        if (!fractional.isEmpty()) {
            throw new CaptureException("columns " + fractional + " of " + m.schema + "." + m.table + " use the"
                    + " pre-10.1 MariaDB temporal format with fractional seconds, which the binlog cannot describe:"
                    + " convert them with ALTER TABLE `" + m.schema + "`.`" + m.table + "` FORCE (with"
                    + " mysql56_temporal_format=ON)");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // the capture thread: one session per connection, reconnecting with backoff

    private void run(CountDownLatch ready, Throwable[] startFailure) {
        long backoff = config.reconnectBackoffInitial().toMillis();
        boolean first = true;
        int attempt = 0;
        try {
            while (!stopping) {
                Session s = new Session(first ? ready : null);
                synchronized (lock) {
                    if (stopping) {
                        break;
                    }
                    session = s;
                }
                Throwable error = null;
                try {
                    s.stream();
                } catch (Throwable e) {
                    error = e;
                }
                connected = false;
                if (error == null) {
                    error = s.communicationFailure;
                }
                if (s.pendingRows > 0) {
                    s.pendingRows = 0;
                    discardQuietly();
                }
                if (failure != null) {
                    break;
                }
                if (first && !s.streaming) {
                    startFailure[0] = error != null ? error : new CaptureException("the connection closed at once");
                    ready.countDown();
                    return;
                }
                first = false;
                if (stopping) {
                    break;
                }
                if (s.streaming) {
                    backoff = config.reconnectBackoffInitial().toMillis();
                    attempt = 0;
                }
                attempt++;
                reconnects++;
                lastError = describe(error);
                state = State.RECONNECTING;
                log.warn("binlog stream from {} (user {}) {}: {}; reconnect attempt {} in {} ms, resuming from GTID"
                                + " position '{}'", config.address(), config.user(),
                        s.streaming ? "was lost" : "could not be opened", lastError, attempt, backoff, resumePosition);
                synchronized (lock) {
                    long until = System.currentTimeMillis() + backoff;
                    while (!stopping) {
                        long left = until - System.currentTimeMillis();
                        if (left <= 0) {
                            break;
                        }
                        try {
                            lock.wait(left);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            stopping = true;
                        }
                    }
                }
                backoff = Math.min(backoff * 2, config.reconnectBackoffMax().toMillis());
            }
        } catch (Throwable t) {
            fail(t);
        } finally {
            connected = false;
            session = null;
            if (failure != null) {
                state = State.FAILED;
            } else if (stopping) {
                state = State.STOPPED;
            }
            ready.countDown();
        }
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
            lastError = describe(t);
            state = State.FAILED;
            if (t instanceof CaptureException) {
                log.error("binlog capture from {} stopped: {}", config.address(), t.getMessage());
            } else {
                log.error("binlog capture from {} stopped: {}", config.address(), lastError, t);
            }
        }
    }

    private void discardQuietly() {
        try {
            sink.discardUncommitted();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void joinThread() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(60_000);
                if (t.isAlive()) {
                    log.warn("capture thread for {} did not stop within 60 s", config.address());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "the source closed the connection";
        }
        String m = t.getMessage();
        Throwable c = t.getCause();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        if (c != null && c != t && c.getMessage() != null && (m == null || !m.contains(c.getMessage()))) {
            s += " (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The library's client without its own GTID bookkeeping: capture tracks positions itself. */
    private static final class Client extends BinaryLogClient {
        Client(String host, int port, String user, String password) {
            super(host, port, user, password);
        }

        @Override
        protected void updateGtidSet(Event event) {
            // not needed: every connection starts from capture's own committed position
        }
    }

    /** One connection: a fresh binlog client starting at the last committed position. */
    private final class Session implements BinaryLogClient.EventListener, BinaryLogClient.LifecycleListener {
        private final CountDownLatch ready;
        private final RowsDecoder decoder = new RowsDecoder();
        private volatile Socket socket;
        private volatile boolean aborted;
        volatile boolean streaming;
        volatile Exception communicationFailure;
        long pendingRows;

        // current binlog file and transaction
        private String file = "";
        private boolean inTxn;
        private String txnGtid;
        private long txnDomain;
        private boolean txnStandalone;
        private long txnTimestamp;
        private String txnPositionAfter;

        Session(CountDownLatch ready) {
            this.ready = ready;
        }

        void stream() throws IOException {
            BinaryLogClient c = new Client(config.host(), config.port(), config.user(), config.password());
            c.setServerId(config.serverId());
            c.setKeepAlive(false); // liveness: read timeout over heartbeats; reconnects: the capture loop
            c.setHeartbeatInterval(config.heartbeatInterval().toMillis());
            c.setConnectTimeout(config.connectTimeout().toMillis());
            c.setBlocking(true);
            c.setUseSendAnnotateRowsEvent(false);
            c.setEventDeserializer(new CaptureEventDeserializer());
            c.setGtidSet(resumePosition);
            c.setThreadFactory(r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
            int readTimeout = (int) config.keepAliveTimeout().toMillis();
            c.setSocketFactory(() -> {
                Socket s = new Socket();
                s.setSoTimeout(readTimeout);
                s.setKeepAlive(true);
                s.setTcpNoDelay(true);
                s.setReceiveBufferSize(1 << 20);
                socket = s;
                return s;
            });
            c.registerEventListener(this);
            c.registerLifecycleListener(this);
            if (stopping) {
                return;
            }
            c.connect();
        }

        /** Ends the connection from any thread: events still buffered are ignored. */
        void abort() {
            aborted = true;
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }

        @Override
        public void onConnect(BinaryLogClient client) {
            if (stopping) {
                abort();
            }
        }

        @Override
        public void onCommunicationFailure(BinaryLogClient client, Exception ex) {
            if (!aborted) {
                communicationFailure = ex;
            }
        }

        @Override
        public void onEventDeserializationFailure(BinaryLogClient client, Exception ex) {
            // the client would skip the event and go on; a gap is not acceptable: reconnect from the last commit
            if (!aborted) {
                communicationFailure = ex;
                abort();
            }
        }

        @Override
        public void onDisconnect(BinaryLogClient client) {
        }

        @Override
        public void onEvent(Event event) {
            if (aborted || stopping) {
                if (stopping) {
                    abort();
                }
                return;
            }
            try {
                if (!streaming) {
                    streaming = true;
                    connected = true;
                    state = State.STREAMING;
                    if (ready != null) {
                        ready.countDown();
                    }
                }
                handle(event);
            } catch (Throwable t) {
                fail(t);
                abort();
            }
        }

        private void handle(Event event) {
            CaptureEventDeserializer.Header h = (CaptureEventDeserializer.Header) event.getHeader();
            switch (h.getEventType()) {
                case WRITE_ROWS, EXT_WRITE_ROWS -> rows(h, event, RowChange.Op.INSERT, h.getEventType() == EventType.EXT_WRITE_ROWS);
                case UPDATE_ROWS, EXT_UPDATE_ROWS -> rows(h, event, RowChange.Op.UPDATE, h.getEventType() == EventType.EXT_UPDATE_ROWS);
                case DELETE_ROWS, EXT_DELETE_ROWS -> rows(h, event, RowChange.Op.DELETE, h.getEventType() == EventType.EXT_DELETE_ROWS);
                case TABLE_MAP -> tableMap((CaptureEventDeserializer.Raw) event.getData());
                case MARIADB_GTID -> begin(h, (MariadbGtidEventData) event.getData());
                case XID -> commit(h);
                case QUERY -> query(h, (QueryEventData) event.getData());
                case XA_PREPARE -> commit(h); // rows of a prepared XA transaction count at prepare
                case ROTATE -> file = ((RotateEventData) event.getData()).getBinlogFilename();
                case HEARTBEAT -> caughtUp = true;
                case GTID, TRANSACTION_PAYLOAD, PARTIAL_UPDATE_ROWS_EVENT, PRE_GA_WRITE_ROWS, PRE_GA_UPDATE_ROWS,
                     PRE_GA_DELETE_ROWS -> throw new CaptureException("unsupported binlog event " + h.getEventType()
                        + " at " + file + ":" + h.getPosition());
                case UNKNOWN -> {
                    if (h.rawType >= 165 && h.rawType <= 171) {
                        throw new CaptureException("the binlog of " + config.address() + " holds compressed events"
                                + " (type " + h.rawType + " at " + file + ":" + h.getPosition() + "), which capture"
                                + " cannot read: set log_bin_compress=OFF on the source");
                    }
                }
                default -> {
                    // FORMAT_DESCRIPTION, GTID_LIST, BINLOG_CHECKPOINT, ANNOTATE_ROWS, ...: nothing to do
                }
            }
        }

        private void begin(CaptureEventDeserializer.Header h, MariadbGtidEventData g) {
            if (inTxn && pendingRows > 0) {
                log.warn("transaction {} at {}:{} had no end event; dropping its {} uncommitted rows", txnGtid, file,
                        h.getPosition(), pendingRows);
                pendingRows = 0;
                sink.discardUncommitted();
            }
            long domain = g.getDomainId() & 0xFFFFFFFFL;
            txnDomain = domain;
            txnGtid = domain + "-" + h.getServerId() + "-" + g.getSequence();
            txnStandalone = (g.getFlags() & FL_STANDALONE) != 0;
            txnTimestamp = h.getTimestamp();
            txnPositionAfter = gtids.renderWith(domain, txnGtid);
            inTxn = true;
            caughtUp = false;
            lastEventTimestamp = txnTimestamp;
        }

        private void commit(CaptureEventDeserializer.Header h) {
            String after = txnGtid != null ? txnPositionAfter : resumePosition;
            long ts = inTxn ? txnTimestamp : h.getTimestamp();
            SourcePosition pos = new SourcePosition(txnGtid, after, file, h.getNextPosition());
            sink.onCommit(new Commit(pos, ts));
            if (txnGtid != null) {
                gtids.advance(txnDomain, txnGtid);
                resumePosition = after;
            }
            rowsCaptured += pendingRows;
            transactions++;
            lastCommitted = pos;
            pendingRows = 0;
            inTxn = false;
            txnGtid = null;
        }

        private void tableMap(CaptureEventDeserializer.Raw raw) {
            long id = TableMapping.tableId(raw.body);
            TableMapping m = tables.get(id);
            if (m != null && m.sameAs(raw.body, raw.length)) {
                return;
            }
            if (tables.size() > 10_000) {
                tables.clear();
            }
            m = TableMapping.parse(raw.body, raw.length, mariaDb, config.filter(), collations);
            List<String> old = m.oldTemporalColumns();
            if (!old.isEmpty()) {
                refuseFractionalOldTemporals(m, old);
            }
            tables.put(id, m);
        }

        private void rows(CaptureEventDeserializer.Header h, Event event, RowChange.Op op, boolean v2) {
            CaptureEventDeserializer.Raw raw = (CaptureEventDeserializer.Raw) event.getData();
            RowsDecoder d = decoder;
            d.reset(raw.body, 0, raw.length);
            long tableId = d.le48();
            d.skip(2); // flags
            if (v2) {
                d.skip(d.le16() - 2); // extra row info
            }
            TableMapping t = tables.get(tableId);
            if (t == null) {
                throw new CaptureException("rows event at " + file + ":" + h.getPosition() + " for table id " + tableId
                        + " without a preceding table map");
            }
            if (!t.captured) {
                return;
            }
            int n = (int) d.packed();
            if (n != t.columnCount) {
                throw new CaptureException("rows event for " + t.def.qualifiedName() + " at " + file + ":"
                        + h.getPosition() + " has " + n + " columns, its table map " + t.columnCount);
            }
            if (!d.allSet(n) || (op == RowChange.Op.UPDATE && !d.allSet(n))) {
                throw new CaptureException("rows event for " + t.def.qualifiedName() + " at " + file + ":"
                        + h.getPosition() + " lacks columns: set binlog_row_image=FULL on the source");
            }
            SourcePosition pos = new SourcePosition(txnGtid, txnGtid != null ? txnPositionAfter : null, file,
                    h.getPosition());
            long ts = inTxn ? txnTimestamp : h.getTimestamp();
            while (d.hasMore()) {
                Object[] before = null;
                Object[] after = null;
                if (op == RowChange.Op.INSERT) {
                    after = d.row(t);
                } else if (op == RowChange.Op.DELETE) {
                    before = d.row(t);
                } else {
                    before = d.row(t);
                    after = d.row(t);
                }
                pendingRows++;
                sink.onRow(new RowChange(t.def, op, before, after, pos, ts));
            }
        }

        private void query(CaptureEventDeserializer.Header h, QueryEventData q) {
            String sql = q.getSql() == null ? "" : q.getSql().trim();
            String upper = sql.length() > 24 ? sql.substring(0, 24).toUpperCase(Locale.ROOT)
                    : sql.toUpperCase(Locale.ROOT);
            if (upper.equals("BEGIN") || upper.startsWith("SAVEPOINT") || upper.startsWith("RELEASE SAVEPOINT")
                    || (upper.startsWith("ROLLBACK") && upper.matches("ROLLBACK\\s+(WORK\\s+)?TO\\b.*"))
                    || upper.startsWith("XA START") || upper.startsWith("XA BEGIN") || upper.startsWith("XA END")) {
                return;
            }
            if (upper.equals("COMMIT")) {
                commit(h);
                return;
            }
            if (upper.startsWith("ROLLBACK")) {
                // logged only when non-transactional tables were changed in a transaction that rolled back
                if (pendingRows > 0) {
                    log.warn("transaction {} at {}:{} rolled back after changing non-transactional tables; its"
                            + " {} captured rows are dropped", txnGtid, file, h.getPosition(), pendingRows);
                    pendingRows = 0;
                    sink.discardUncommitted();
                }
                commit(h);
                return;
            }
            if (upper.startsWith("XA COMMIT") || upper.startsWith("XA ROLLBACK")) {
                if (upper.startsWith("XA ROLLBACK")) {
                    log.warn("XA transaction rolled back at {}:{} ({}): its rows were captured at XA PREPARE", file,
                            h.getPosition(), sql);
                }
                commit(h);
                return;
            }
            String db = q.getDatabase() == null ? "" : q.getDatabase();
            if (concernsCapture(db, sql)) {
                String gtid = txnGtid;
                log.info("DDL on the source at GTID {} ({}:{}), schema '{}': {}", gtid, file, h.getPosition(), db,
                        sql.length() > 2000 ? sql.substring(0, 2000) + "..." : sql);
                sink.onDdl(new DdlEvent(db, sql, new SourcePosition(gtid, gtid != null ? txnPositionAfter : null,
                        file, h.getPosition()), h.getTimestamp()));
            }
            if (!inTxn || txnStandalone) {
                commit(h);
            }
        }

        private boolean concernsCapture(String db, String sql) {
            if (ACCOUNT.matcher(sql).matches()) {
                return false;
            }
            TableFilter f = config.filter();
            if (f.mayIncludeSchema(db)) {
                return true;
            }
            Matcher m = QUALIFIED.matcher(sql);
            while (m.find()) {
                String schema = m.group(1) != null ? m.group(1).replace("``", "`") : m.group(2);
                if ((m.group(1) != null || !schema.chars().allMatch(Character::isDigit)) && f.mayIncludeSchema(schema)) {
                    return true;
                }
            }
            return false;
        }
    }
}

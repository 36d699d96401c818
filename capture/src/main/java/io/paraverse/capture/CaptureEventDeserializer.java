package io.paraverse.capture;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializationException;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The binlog client's event deserializer, narrowed to what capture needs:
 * <ul>
 *   <li>TABLE_MAP and row events are not parsed here: their body is copied into one reused buffer and handed over
 *       as {@link Raw}, which {@link TableMapping} and {@link RowsDecoder} decode (so values come out exactly as
 *       the change model wants, and tables the filter excludes cost a byte copy);</li>
 *   <li>the control events capture and the client itself look at (FORMAT_DESCRIPTION, ROTATE, QUERY, XID,
 *       MariaDB GTID and GTID list, XA_PREPARE, ANNOTATE_ROWS) use the library's own deserializers;</li>
 *   <li>every other event is skipped unparsed (data null).</li>
 * </ul>
 * The header keeps the raw type code, so events the library does not know (MariaDB's compressed events) can be
 * refused instead of silently skipped. One instance per connection; the buffer is valid until the next event.
 */
final class CaptureEventDeserializer extends EventDeserializer {

    /** An event body (without checksum) in the shared buffer. */
    static final class Raw implements EventData {
        private static final long serialVersionUID = 1L;
        final transient byte[] body;
        final int length;

        Raw(byte[] body, int length) {
            this.body = body;
            this.length = length;
        }

        @Override
        public String toString() {
            return "Raw{" + length + " bytes}";
        }
    }

    /** Header with the type code as sent (EventType.UNKNOWN loses it). */
    static final class Header extends EventHeaderV4 {
        private static final long serialVersionUID = 1L;
        int rawType;
    }

    private static final Set<EventType> RAW = EnumSet.of(EventType.TABLE_MAP,
            EventType.WRITE_ROWS, EventType.UPDATE_ROWS, EventType.DELETE_ROWS,
            EventType.EXT_WRITE_ROWS, EventType.EXT_UPDATE_ROWS, EventType.EXT_DELETE_ROWS);
    private static final Set<EventType> PARSED = EnumSet.of(EventType.ROTATE, EventType.QUERY, EventType.XID,
            EventType.MARIADB_GTID, EventType.MARIADB_GTID_LIST, EventType.GTID, EventType.ANNOTATE_ROWS,
            EventType.XA_PREPARE);

    private final FormatDescriptionEventDataDeserializer formatDescription = new FormatDescriptionEventDataDeserializer();
    private int checksumLength;
    private byte[] buffer = new byte[64 * 1024];

    @Override
    @SuppressWarnings("deprecation")
    public void setChecksumType(ChecksumType checksumType) {
        super.setChecksumType(checksumType);
        checksumLength = checksumType.getLength();
    }

    @Override
    public Event nextEvent(ByteArrayInputStream in) throws IOException {
        if (in.peek() == -1) {
            return null;
        }
        Header h = new Header();
        h.setTimestamp(in.readLong(4) * 1000L);
        h.rawType = in.read();
        EventType type = EventType.byEventNumber(h.rawType);
        h.setEventType(type == null ? EventType.UNKNOWN : type);
        h.setServerId(in.readLong(4));
        h.setEventLength(in.readLong(4));
        h.setNextPosition(in.readLong(4));
        h.setFlags(in.readInteger(2));
        int dataLength = (int) h.getDataLength();
        EventData data = null;
        try {
            if (type == EventType.FORMAT_DESCRIPTION) {
                in.enterBlock(dataLength);
                try {
                    FormatDescriptionEventData fde = formatDescription.deserialize(in);
                    checksumLength = fde.getChecksumType().getLength();
                    data = fde;
                } finally {
                    in.skipToTheEndOfTheBlock();
                }
            } else if (type != null && RAW.contains(type)) {
                int body = dataLength - checksumLength;
                if (buffer.length < body) {
                    buffer = new byte[Math.max(body, buffer.length * 2)];
                } else if (buffer.length > (16 << 20) && body < (1 << 20)) {
                    buffer = new byte[64 * 1024]; // give a huge event's buffer back
                }
                in.fill(buffer, 0, body);
                skipFully(in, checksumLength);
                data = new Raw(buffer, body);
            } else if (type != null && PARSED.contains(type)) {
                in.enterBlock(dataLength - checksumLength);
                try {
                    data = getEventDataDeserializer(type).deserialize(in);
                } finally {
                    in.skipToTheEndOfTheBlock();
                    skipFully(in, checksumLength);
                }
            } else {
                skipFully(in, dataLength);
            }
        } catch (IOException e) {
            throw new EventDataDeserializationException(h, e);
        }
        return new Event(h, data);
    }

    private static void skipFully(ByteArrayInputStream in, int n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                in.read(); // throws EOFException at the end of the stream
                s = 1;
            }
            left -= s;
        }
    }
}

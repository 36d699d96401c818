package io.paraverse.capture.debezium;

/**
 * What both Debezium captures report the same way: where delivery stands, read from their {@link TransactionDelivery}.
 * The field is volatile because the pipeline's status thread reads it while the capture's own thread replaces it on
 * {@link #start}.
 */
abstract class DeliveringCapture implements DebeziumCapture {
    protected volatile TransactionDelivery delivery;

    @Override
    public String resumePosition() {
        TransactionDelivery d = delivery;
        return d == null ? null : d.position();
    }

    @Override
    public long rowsCaptured() {
        TransactionDelivery d = delivery;
        return d == null ? 0 : d.rows();
    }

    @Override
    public long transactions() {
        TransactionDelivery d = delivery;
        return d == null ? 0 : d.transactions();
    }

    @Override
    public long secondsBehindSource() {
        TransactionDelivery d = delivery;
        return d == null ? -1 : DebeziumCapture.secondsSince(d.lastCommitMillis());
    }
}

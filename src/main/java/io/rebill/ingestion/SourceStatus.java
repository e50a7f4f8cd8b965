package io.rebill.ingestion;

/** A source's health as the MSP sees it (the seed's integration status). */
public enum SourceStatus {
    /** Configured, nothing ingested yet. */
    NEW,
    /** The last ingest succeeded and reconciled. */
    STABLE,
    /** The last ingest failed; stored data is what it was before that attempt. */
    ERROR
}

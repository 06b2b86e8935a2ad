// Kept apart from pg-sql-port.ts (which loads pg): the composition root builds advice without
// loading the driver, which a function configured for the Data API never needs.

/** The end of each message that says what to check, by failure. */
export interface PgAdvice {
  /** Nothing answered, or the host was not found: "Check the host and port in …". */
  readonly address: string;
  readonly credentials: string;
  readonly database: string;
  /** The server's certificate did not verify. */
  readonly certificate: string;
  /** The server refused TLS. */
  readonly noTls: string;
  /** The schema Kong's tables should be in does not exist. */
  readonly schema: string;
  /** Ends "Run the report again once it is done": how to wait longer for a lock, or "" where nothing sets it. */
  readonly lockTimeout: string;
  /** Ends "Run the report again when it is less busy": how to allow more time, or "" where nothing sets it. */
  readonly statementTimeout: string;
}

/** A connection string's advice, naming no setting (the composition root passes its own words). */
export const URL_ADVICE: PgAdvice = {
  address: "Check the host and port in the URL",
  credentials: "Check the user and password in the URL.",
  database: "Check the database name in the URL.",
  certificate:
    "Give the CA bundle in the URL: ?sslmode=verify-full&sslrootcert=/path/to/ca-bundle.pem (for RDS and Aurora, Amazon's global-bundle.pem); with verify-full the URL's host must be a name in the certificate.",
  noTls:
    "but the URL's sslmode asks for TLS. Enable ssl on the server, or use sslmode=disable on a trusted network only.",
  schema: "Check the schema's name.",
  lockTimeout: "",
  statementTimeout: "",
};

import type { AdminApiPort } from "./collect-admin-api.ts";
import type { KonnectPort } from "./collect-konnect.ts";

// Where a report or an environment's counts come from when it is not a database: Kong's Admin API or
// Konnect. The CLI's options and the environments file produce these; lib/compose opens them.

/**
 * The token, as given: the value itself (a KLCR file holds it inline; the CLI reads it from a
 * variable), or a reference resolved when the environment is collected (on AWS: SSM Parameter Store,
 * or Secrets Manager through Parameter Store's /aws/reference/secretsmanager/ path).
 */
export type TokenSource =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "ssm"; readonly name: string }
  | { readonly kind: "secretsmanager"; readonly id: string; readonly jsonKey?: string };

/** How TLS is checked: Node's CAs, a CA file of your own, or (asked for by name) not at all. */
export interface TlsChoice {
  /** A PEM file of the CA(s) that sign the API's certificate. */
  readonly caFile?: string;
  /** KLCR's `-k`: no verification at all. */
  readonly insecure?: boolean;
}

/** Kong Gateway Enterprise's Admin API (a hybrid control plane, a DB-less node, any traditional node). */
export interface AdminApiSource extends TlsChoice {
  readonly kind: "admin-api";
  /** The Admin API's root, e.g. https://kong-admin:8001. */
  readonly url: string;
  /** Sent as Kong-Admin-Token; absent when the Admin API has no RBAC. */
  readonly token?: TokenSource;
}

/** Konnect, KLCR's `deployment: "konnect"`: a regional API base and a personal access token. */
export interface KonnectSource extends TlsChoice {
  readonly kind: "konnect";
  /** e.g. https://us.api.konghq.com/v2. */
  readonly url: string;
  readonly token: TokenSource;
  /** KLCR's control_plane_id: that control plane only. */
  readonly controlPlaneId?: string;
  /** KLCR's control_plane_type_filter: a regular expression searched in config.cluster_type. */
  readonly typeFilter?: string;
}

export type ApiSource = AdminApiSource | KonnectSource;

/** How Kong's Admin API and Konnect are reached (lib/compose builds them: TLS, the token resolved). */
export interface OpenApiPorts {
  adminApi(source: AdminApiSource, signal?: AbortSignal): Promise<AdminApiPort>;
  konnect(source: KonnectSource, signal?: AbortSignal): Promise<KonnectPort>;
}

// custom:status-tracker-card: media requests from Seerr to Jellyfin, live.
import { LitElement, html, css, nothing } from "lit";
import { repeat } from "lit/directives/repeat.js";
import "./row";
import "./editor";
import type {
  CardConfig,
  DeleteResult,
  Hass,
  RequestView,
  ServiceResult,
  SubscriptionEvent,
} from "./types";
import {
  OUTCOMES,
  episodeCode,
  formatPercent,
  formatSeasons,
  formatTime,
  problemLabel,
  stageLabel,
} from "./format";

const CARD_VERSION = "0.1.0";

interface ActionState {
  kind: "delete" | "retry" | "verify";
  busy: boolean;
  error?: string;
  message?: string;
  results?: DeleteResult[];
}

interface CallServiceResult<T> {
  context?: unknown;
  response?: T;
}

const DOMAIN = "status_tracker";

function errorText(err: unknown): string {
  if (err && typeof err === "object" && "message" in err) {
    return String((err as { message: unknown }).message);
  }
  return String(err);
}

export class StatusTrackerCard extends LitElement {
  static properties = {
    _config: { state: true },
    _requests: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _isAdmin: { state: true },
    _tab: { state: true },
    _history: { state: true },
    _historyError: { state: true },
    _outcome: { state: true },
    _requester: { state: true },
    _requesters: { state: true },
    _selected: { state: true },
    _detail: { state: true },
    _detailError: { state: true },
    _confirmDelete: { state: true },
    _deleteFiles: { state: true },
    _action: { state: true },
  };

  declare _config: CardConfig;
  declare _requests: RequestView[];
  declare _loading: boolean;
  declare _error: string | null;
  declare _isAdmin: boolean;
  declare _tab: "active" | "history";
  declare _history: RequestView[] | null;
  declare _historyError: string | null;
  declare _outcome: string;
  declare _requester: string;
  declare _requesters: string[];
  declare _selected: string | null;
  declare _detail: RequestView | null;
  declare _detailError: string | null;
  declare _confirmDelete: boolean;
  declare _deleteFiles: boolean;
  declare _action: ActionState | null;

  private _hass?: Hass;
  private _unsubscribe?: Promise<() => void | Promise<void>>;
  private _byId = new Map<string, RequestView>();
  private _subscribedTo?: unknown;

  constructor() {
    super();
    this._requests = [];
    this._loading = true;
    this._error = null;
    this._isAdmin = false;
    this._tab = "active";
    this._history = null;
    this._historyError = null;
    this._outcome = "";
    this._requester = "";
    this._requesters = [];
    this._selected = null;
    this._detail = null;
    this._detailError = null;
    this._confirmDelete = false;
    this._deleteFiles = false;
    this._action = null;
  }

  // --- Lovelace API -------------------------------------------------------

  static getConfigElement(): HTMLElement {
    return document.createElement("status-tracker-card-editor");
  }

  static getStubConfig(): Partial<CardConfig> {
    return { title: "Media requests", show_history: true, max_items: 10, compact: false };
  }

  setConfig(config: CardConfig): void {
    if (!config) {
      throw new Error("Invalid configuration");
    }
    if (
      config.max_items !== undefined &&
      (typeof config.max_items !== "number" || config.max_items < 1)
    ) {
      throw new Error("max_items must be a positive number");
    }
    const entryChanged = this._config?.config_entry_id !== config.config_entry_id;
    this._config = { show_history: true, compact: false, ...config };
    if (entryChanged && this._subscribedTo) {
      // Another hub: start over with its requests.
      this._subscribe();
    }
  }

  getCardSize(): number {
    return 1 + Math.min(this._requests.length, this._config?.max_items ?? 10) * 2;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: "auto" };
  }

  set hass(hass: Hass) {
    this._hass = hass;
    const isAdmin = Boolean(hass?.user?.is_admin);
    if (isAdmin !== this._isAdmin) {
      this._isAdmin = isAdmin;
    }
    if (this.isConnected && hass?.connection !== this._subscribedTo) {
      this._subscribe();
    }
  }

  get hass(): Hass | undefined {
    return this._hass;
  }

  connectedCallback(): void {
    super.connectedCallback();
    if (this._hass && this._subscribedTo !== this._hass.connection) {
      this._subscribe();
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this._unsubscribeNow();
  }

  // --- Subscription -------------------------------------------------------

  private _entryArgs(): Record<string, unknown> {
    return this._config?.config_entry_id ? { config_entry_id: this._config.config_entry_id } : {};
  }

  private _subscribe(): void {
    const hass = this._hass;
    if (!hass?.connection) {
      return;
    }
    this._unsubscribeNow();
    this._subscribedTo = hass.connection;
    this._loading = true;
    this._error = null;
    const pending = hass.connection.subscribeMessage<SubscriptionEvent>(
      (event) => this._onEvent(event),
      { type: `${DOMAIN}/requests/subscribe`, ...this._entryArgs() },
    );
    this._unsubscribe = pending;
    pending.catch((err: unknown) => {
      if (this._unsubscribe !== pending) {
        return;
      }
      this._unsubscribe = undefined;
      this._loading = false;
      this._error = errorText(err);
    });
  }

  private _unsubscribeNow(): void {
    const pending = this._unsubscribe;
    this._unsubscribe = undefined;
    this._subscribedTo = undefined;
    if (pending) {
      pending.then((unsub) => unsub()).catch(() => undefined);
    }
  }

  private _onEvent(event: SubscriptionEvent): void {
    let reorder = false;
    if (event.requests) {
      this._byId = new Map(event.requests.map((r) => [r.request_id, r]));
      reorder = true;
      this._loading = false;
      this._error = null;
    }
    for (const view of event.changed ?? []) {
      if (!this._byId.has(view.request_id)) {
        reorder = true;
      }
      this._byId.set(view.request_id, view);
    }
    for (const id of event.removed ?? []) {
      if (this._byId.delete(id)) {
        reorder = true;
      }
    }
    if (reorder) {
      this._requests = [...this._byId.values()].sort((a, b) =>
        (b.created_at ?? "").localeCompare(a.created_at ?? "") ||
        b.request_id.localeCompare(a.request_id),
      );
    } else {
      // Same order: swap in the changed views; rows with unchanged views skip rendering.
      this._requests = this._requests.map((r) => this._byId.get(r.request_id) ?? r);
    }
    if (this._selected && event.changed?.some((v) => v.request_id === this._selected)) {
      void this._loadDetail(this._selected, false);
    }
  }

  // --- History ------------------------------------------------------------

  private async _loadHistory(): Promise<void> {
    const hass = this._hass;
    if (!hass) {
      return;
    }
    this._historyError = null;
    const message: Record<string, unknown> = {
      type: `${DOMAIN}/requests/list`,
      status: "finished",
      limit: this._config.max_items ?? 50,
      ...this._entryArgs(),
    };
    if (this._outcome) {
      message.stages = [this._outcome];
    }
    if (this._requester) {
      message.requested_by = this._requester;
    }
    try {
      const result = await hass.callWS<{ requests: RequestView[]; total: number }>(message);
      this._history = result.requests;
      const names = new Set(this._requesters);
      for (const r of [...result.requests, ...this._requests]) {
        if (r.requested_by) {
          names.add(r.requested_by);
        }
      }
      this._requesters = [...names].sort((a, b) => a.localeCompare(b));
    } catch (err) {
      this._history = null;
      this._historyError = errorText(err);
    }
  }

  private _showTab(tab: "active" | "history"): void {
    this._tab = tab;
    if (tab === "history") {
      void this._loadHistory();
    }
  }

  // --- Detail dialog and actions -----------------------------------------

  private _onSelected(ev: CustomEvent<{ request_id: string }>): void {
    void this._open(ev.detail.request_id);
  }

  private async _open(requestId: string): Promise<void> {
    this._selected = requestId;
    this._detail = null;
    this._detailError = null;
    this._confirmDelete = false;
    this._deleteFiles = false;
    this._action = null;
    void this.updateComplete.then(() =>
      (this.shadowRoot?.querySelector(".dialog") as HTMLElement | null)?.focus(),
    );
    await this._loadDetail(requestId, true);
  }

  private async _loadDetail(requestId: string, showErrors: boolean): Promise<void> {
    const hass = this._hass;
    if (!hass) {
      return;
    }
    try {
      const view = await hass.callWS<RequestView>({
        type: `${DOMAIN}/requests/get`,
        request_id: requestId,
        ...this._entryArgs(),
      });
      if (this._selected === requestId) {
        this._detail = view;
      }
    } catch (err) {
      if (showErrors && this._selected === requestId) {
        this._detailError = errorText(err);
      }
    }
  }

  private _close(): void {
    this._selected = null;
    this._detail = null;
    this._detailError = null;
    this._confirmDelete = false;
    this._action = null;
  }

  private async _callAction(
    kind: ActionState["kind"],
    service: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const hass = this._hass;
    if (!hass || !this._selected) {
      return;
    }
    this._action = { kind, busy: true };
    try {
      const result = await hass.callWS<CallServiceResult<{ requests?: DeleteResult[] }>>({
        type: "call_service",
        domain: DOMAIN,
        service,
        service_data: { request_id: this._selected, ...data },
        return_response: true,
      });
      const results = result?.response?.requests ?? [];
      this._action = {
        kind,
        busy: false,
        results,
        message:
          kind === "delete"
            ? results.some((r) => r.partial)
              ? "Deleted, but some services failed"
              : "Deleted"
            : kind === "retry"
              ? "Retry sent"
              : "Verification done",
      };
      this._confirmDelete = false;
      if (this._selected) {
        await this._loadDetail(this._selected, false);
      }
    } catch (err) {
      this._action = { kind, busy: false, error: errorText(err) };
    }
  }

  // --- Rendering ----------------------------------------------------------

  protected render() {
    if (!this._config) {
      return nothing;
    }
    const showHistory = this._config.show_history !== false;
    return html`
      <ha-card class=${this._config.compact ? "compact" : ""}>
        <div class="header">
          <div class="card-title">${this._config.title ?? "Media requests"}</div>
          ${showHistory
            ? html`<div class="tabs" role="tablist">
                <button
                  class="tab ${this._tab === "active" ? "selected" : ""}"
                  data-tab="active"
                  role="tab"
                  aria-selected=${this._tab === "active"}
                  @click=${() => this._showTab("active")}
                >
                  Active
                </button>
                <button
                  class="tab ${this._tab === "history" ? "selected" : ""}"
                  data-tab="history"
                  role="tab"
                  aria-selected=${this._tab === "history"}
                  @click=${() => this._showTab("history")}
                >
                  History
                </button>
              </div>`
            : nothing}
        </div>
        <div class="content" @request-selected=${this._onSelected}>
          ${this._tab === "history" && showHistory ? this._renderHistory() : this._renderActive()}
        </div>
        ${this._selected ? this._renderDialog() : nothing}
      </ha-card>
    `;
  }

  private _renderList(requests: RequestView[]) {
    const max = this._config.max_items;
    const shown = max ? requests.slice(0, max) : requests;
    return html`<div class="list">
        ${repeat(
          shown,
          (r) => r.request_id,
          (r) => html`<status-tracker-row .request=${r} ?compact=${this._config.compact}></status-tracker-row>`,
        )}
      </div>
      ${shown.length < requests.length
        ? html`<div class="more">+${requests.length - shown.length} more</div>`
        : nothing}`;
  }

  private _renderActive() {
    if (this._error) {
      return html`<div class="error state" role="alert">
        <div>Could not load requests: <span class="message">${this._error}</span></div>
        <button class="button" @click=${() => this._subscribe()}>Try again</button>
      </div>`;
    }
    if (this._loading) {
      return html`<div class="loading state">Loading…</div>`;
    }
    if (!this._requests.length) {
      return html`<div class="empty state">No active requests</div>`;
    }
    return this._renderList(this._requests);
  }

  private _renderHistory() {
    return html`
      <div class="filters">
        <label>
          <span>Outcome</span>
          <select
            name="outcome"
            @change=${(ev: Event) => {
              this._outcome = (ev.target as HTMLSelectElement).value;
              void this._loadHistory();
            }}
          >
            <option value="" ?selected=${!this._outcome}>All</option>
            ${OUTCOMES.map(
              (o) => html`<option value=${o} ?selected=${this._outcome === o}>${stageLabel(o)}</option>`,
            )}
          </select>
        </label>
        <label>
          <span>Requested by</span>
          <select
            name="requester"
            @change=${(ev: Event) => {
              this._requester = (ev.target as HTMLSelectElement).value;
              void this._loadHistory();
            }}
          >
            <option value="" ?selected=${!this._requester}>Anyone</option>
            ${this._requesters.map(
              (name) => html`<option value=${name} ?selected=${this._requester === name}>${name}</option>`,
            )}
          </select>
        </label>
      </div>
      ${this._historyError
        ? html`<div class="error state" role="alert">
            Could not load the history: <span class="message">${this._historyError}</span>
          </div>`
        : this._history === null
          ? html`<div class="loading state">Loading…</div>`
          : this._history.length === 0
            ? html`<div class="empty state">No finished requests</div>`
            : this._renderList(this._history)}
    `;
  }

  private _renderDialog() {
    const d = this._detail;
    const base = d ?? this._byId.get(this._selected ?? "") ?? this._history?.find((r) => r.request_id === this._selected);
    return html`
      <div class="backdrop" @click=${this._close}></div>
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        tabindex="-1"
        aria-label=${base?.title ?? "Request"}
        @keydown=${(ev: KeyboardEvent) => {
          if (ev.key === "Escape") {
            this._close();
          }
        }}
      >
        <div class="dialog-header">
          <div class="dialog-title">
            ${base?.title ?? "Request"} ${base?.year ? html`<span class="year">(${base.year})</span>` : nothing}
          </div>
          <button class="icon close" aria-label="Close" @click=${this._close}>✕</button>
        </div>
        <div class="dialog-body">
          ${this._detailError
            ? html`<div class="error state" role="alert">
                Could not load the request: <span class="message">${this._detailError}</span>
              </div>`
            : nothing}
          ${base
            ? html`<div class="summary-line">
                <span class="chip stage stage-${base.state}">${stageLabel(base.state)}</span>
                ${base.media_type === "tv" && base.seasons?.length
                  ? html`<span class="muted">${formatSeasons(base.seasons)}</span>`
                  : nothing}
                ${base.requested_by ? html`<span class="muted">Requested by ${base.requested_by}</span>` : nothing}
                ${base.progress !== null && base.progress !== undefined && !base.finished
                  ? html`<span class="muted">${formatPercent(base.progress)}</span>`
                  : nothing}
              </div>
              ${Object.entries(base.problems ?? {}).map(
                ([kind, p]) =>
                  html`<div class="chip problem" data-kind=${kind}>⚠ ${problemLabel(kind)}: ${p.reason}</div>`,
              )}`
            : nothing}
          ${d?.jellyfin_url
            ? html`<a class="button watch" href=${d.jellyfin_url} target="_blank" rel="noreferrer"
                >Watch in Jellyfin</a
              >`
            : nothing}
          ${d ? this._renderEpisodes(d) : !this._detailError ? html`<div class="loading state">Loading…</div>` : nothing}
          ${d ? this._renderTimeline(d) : nothing}
          ${this._isAdmin ? this._renderAdmin(base) : nothing}
        </div>
      </div>
    `;
  }

  private _renderEpisodes(d: RequestView) {
    if (!d.episodes?.length) {
      return nothing;
    }
    return html`<h3>Episodes</h3>
      <ul class="episode-list">
        ${d.episodes.map(
          (e) => html`<li class="episode" data-stage=${e.stage}>
            <span class="code">${episodeCode(e.season, e.episode)}</span>
            <span class="ep-title">${e.title ?? ""}</span>
            <span class="chip stage stage-${e.stage}">${stageLabel(e.stage)}</span>
            ${e.progress !== null && e.progress !== undefined && e.stage !== "available"
              ? html`<span class="muted">${formatPercent(e.progress)}</span>`
              : nothing}
          </li>`,
        )}
      </ul>`;
  }

  private _renderTimeline(d: RequestView) {
    const language = this._hass?.locale?.language ?? this._hass?.language;
    return html`<h3>Timeline</h3>
      ${d.timeline?.length
        ? html`<ol class="timeline">
            ${[...d.timeline].reverse().map(
              (t) => html`<li class="timeline-entry" data-kind=${t.kind}>
                <span class="when">${formatTime(t.at, language)}</span>
                <span class="what">${stageLabel(t.kind)}</span>
                ${t.source ? html`<span class="muted source">${t.source}</span>` : nothing}
                ${t.detail ? html`<span class="muted detail">${t.detail}</span>` : nothing}
              </li>`,
            )}
          </ol>`
        : html`<div class="muted">Nothing yet</div>`}`;
  }

  private _renderAdmin(base: RequestView | undefined) {
    const action = this._action;
    const busy = Boolean(action?.busy);
    const deleted = base?.state === "deleted";
    return html`<div class="admin">
      <div class="actions">
        <button class="button retry" ?disabled=${busy || deleted} @click=${() => this._callAction("retry", "retry_request", {})}>
          Retry
        </button>
        <button class="button verify" ?disabled=${busy || deleted} @click=${() => this._callAction("verify", "verify_request", {})}>
          Verify
        </button>
        <button
          class="button danger delete"
          ?disabled=${busy || deleted}
          @click=${() => {
            this._confirmDelete = true;
            this._action = null;
          }}
        >
          Delete…
        </button>
      </div>
      ${this._confirmDelete
        ? html`<div class="confirm" role="alertdialog">
            <div>Delete <b>${base?.title ?? "this request"}</b> from every service?</div>
            <label class="check">
              <input
                type="checkbox"
                name="delete_files"
                .checked=${this._deleteFiles}
                @change=${(ev: Event) => (this._deleteFiles = (ev.target as HTMLInputElement).checked)}
              />
              <span>Also delete the files</span>
            </label>
            <div class="actions">
              <button class="button" @click=${() => (this._confirmDelete = false)}>Cancel</button>
              <button
                class="button danger confirm-delete"
                ?disabled=${busy}
                @click=${() => this._callAction("delete", "delete_request", { delete_files: this._deleteFiles })}
              >
                Delete
              </button>
            </div>
          </div>`
        : nothing}
      ${action ? this._renderActionResult(action) : nothing}
    </div>`;
  }

  private _renderActionResult(action: ActionState) {
    if (action.busy) {
      return html`<div class="action-result muted">Working…</div>`;
    }
    if (action.error) {
      return html`<div class="action-result error" role="alert">${action.error}</div>`;
    }
    const results: ServiceResult[] = (action.results ?? []).flatMap((r) => r.results ?? []);
    return html`<div class="action-result" data-kind=${action.kind}>
      <div class="message">${action.message}</div>
      ${results.length
        ? html`<table class="results">
            <tbody>
              ${results.map(
                (r) => html`<tr class="result outcome-${r.outcome}" data-service=${r.service}>
                  <td class="service">${r.instance ?? r.service}</td>
                  <td class="outcome">${r.outcome.replace(/_/g, " ")}</td>
                  <td class="detail">${r.detail ?? ""}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : nothing}
    </div>`;
  }

  static styles = css`
    :host {
      display: block;
    }
    ha-card {
      display: block;
      position: relative;
      background: var(--ha-card-background, var(--card-background-color, #fff));
      color: var(--primary-text-color);
      border-radius: var(--ha-card-border-radius, 12px);
      padding: 16px;
      box-sizing: border-box;
    }
    .header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      flex-wrap: wrap;
      margin-bottom: 8px;
    }
    .card-title {
      font-size: var(--ha-card-header-font-size, 20px);
      font-weight: 500;
      color: var(--ha-card-header-color, var(--primary-text-color));
    }
    .tabs {
      display: flex;
      gap: 4px;
    }
    button {
      font: inherit;
    }
    .tab {
      border: none;
      background: none;
      color: var(--secondary-text-color);
      padding: 4px 10px;
      border-radius: 14px;
      cursor: pointer;
    }
    .tab.selected {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
    }
    .state {
      padding: 16px 0;
      text-align: center;
      color: var(--secondary-text-color);
    }
    .error {
      color: var(--error-color, #db4437);
    }
    .more {
      text-align: center;
      color: var(--secondary-text-color);
      font-size: 12px;
      padding-top: 4px;
    }
    .filters {
      display: flex;
      gap: 12px;
      flex-wrap: wrap;
      margin-bottom: 8px;
    }
    .filters label {
      display: flex;
      flex-direction: column;
      font-size: 12px;
      color: var(--secondary-text-color);
      gap: 2px;
      flex: 1 1 120px;
    }
    select {
      font: inherit;
      padding: 6px;
      border-radius: 4px;
      border: 1px solid var(--divider-color, #ccc);
      background: var(--card-background-color, #fff);
      color: var(--primary-text-color);
    }
    .button {
      display: inline-block;
      border: 1px solid var(--primary-color);
      color: var(--primary-color);
      background: transparent;
      border-radius: 18px;
      padding: 6px 14px;
      cursor: pointer;
      text-decoration: none;
      font-size: 14px;
    }
    .button[disabled] {
      opacity: 0.5;
      cursor: default;
    }
    .button.danger {
      border-color: var(--error-color, #db4437);
      color: var(--error-color, #db4437);
    }
    .button.watch {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
      margin: 8px 0;
    }
    .backdrop {
      position: fixed;
      inset: 0;
      background: rgba(0, 0, 0, 0.45);
      z-index: 10;
    }
    .dialog:focus {
      outline: none;
    }
    .dialog {
      position: fixed;
      z-index: 11;
      left: 50%;
      top: 50%;
      transform: translate(-50%, -50%);
      width: min(560px, calc(100vw - 24px));
      max-height: calc(100vh - 48px);
      display: flex;
      flex-direction: column;
      background: var(--ha-dialog-surface-background, var(--card-background-color, #fff));
      color: var(--primary-text-color);
      border-radius: var(--ha-dialog-border-radius, 16px);
      box-shadow: 0 8px 32px rgba(0, 0, 0, 0.4);
      box-sizing: border-box;
    }
    .dialog-header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      padding: 16px 16px 8px;
      gap: 8px;
    }
    .dialog-title {
      font-size: 20px;
      font-weight: 500;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .dialog-body {
      overflow: auto;
      padding: 0 16px 16px;
    }
    .icon {
      border: none;
      background: none;
      color: var(--secondary-text-color);
      cursor: pointer;
      font-size: 18px;
    }
    h3 {
      font-size: 14px;
      font-weight: 500;
      margin: 16px 0 6px;
      color: var(--secondary-text-color);
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .summary-line {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      margin-bottom: 6px;
    }
    .muted,
    .year {
      color: var(--secondary-text-color);
      font-size: 13px;
    }
    .chip {
      display: inline-block;
      border-radius: 10px;
      padding: 1px 8px;
      font-size: 12px;
      line-height: 18px;
      color: var(--text-primary-color, #fff);
      background: var(--primary-color);
    }
    .chip.problem {
      background: var(--warning-color, #ffa600);
      margin: 2px 0;
    }
    .stage-available {
      background: var(--success-color, #43a047);
    }
    .stage-declined,
    .stage-failed,
    .stage-deleted {
      background: var(--error-color, #db4437);
    }
    .stage-unaired,
    .stage-requested,
    .stage-approved,
    .stage-searching {
      background: var(--state-inactive-color, var(--disabled-text-color, #8a8a8a));
    }
    ul.episode-list,
    ol.timeline {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .episode,
    .timeline-entry {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      padding: 4px 0;
      border-bottom: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      font-size: 14px;
    }
    .code {
      font-variant-numeric: tabular-nums;
      color: var(--secondary-text-color);
    }
    .ep-title {
      flex: 1 1 auto;
      min-width: 0;
    }
    .timeline-entry .detail {
      overflow-wrap: anywhere;
      min-width: 0;
    }
    .when {
      color: var(--secondary-text-color);
      font-size: 12px;
      min-width: 120px;
    }
    .admin {
      margin-top: 16px;
      border-top: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      padding-top: 12px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .confirm {
      margin-top: 12px;
      padding: 12px;
      border-radius: 8px;
      border: 1px solid var(--error-color, #db4437);
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    label.check {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .action-result {
      margin-top: 12px;
    }
    table.results {
      width: 100%;
      border-collapse: collapse;
      font-size: 13px;
      margin-top: 6px;
    }
    table.results td {
      padding: 4px 6px;
      border-bottom: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      overflow-wrap: anywhere;
    }
    .outcome-failed .outcome,
    .outcome-error .outcome {
      color: var(--error-color, #db4437);
    }
    @media (max-width: 450px) {
      ha-card {
        padding: 12px;
      }
      .dialog {
        width: 100vw;
        max-height: 100vh;
        height: 100%;
        border-radius: 0;
      }
    }
  `;
}

if (!customElements.get("status-tracker-card")) {
  customElements.define("status-tracker-card", StatusTrackerCard);
}

interface CustomCardEntry {
  type: string;
  name: string;
  description: string;
  preview?: boolean;
  documentationURL?: string;
}

const w = window as unknown as { customCards?: CustomCardEntry[] };
w.customCards = w.customCards || [];
if (!w.customCards.some((c) => c.type === "status-tracker-card")) {
  w.customCards.push({
    type: "status-tracker-card",
    name: "Status Tracker",
    description: "Media requests from Seerr to Jellyfin: stages, downloads, problems and history.",
    preview: true,
    documentationURL: "https://github.com/status-tracker/ha-status-tracker",
  });
}

console.info(`%c STATUS-TRACKER-CARD %c ${CARD_VERSION} `, "color: white; background: #03a9f4; font-weight: 700;", "");

// One request in the card's list. A row re-renders only when its own view
// object changes, so a progress tick of one request touches one row.
import { LitElement, html, css, nothing } from "lit";
import type { PropertyValues } from "lit";
import type { EpisodeView, RequestView } from "./types";
import {
  episodeCode,
  formatEta,
  formatPercent,
  formatSeasons,
  formatSpeed,
  problemLabel,
  stageLabel,
} from "./format";

export class StatusTrackerRow extends LitElement {
  static properties = {
    request: { attribute: false },
    compact: { type: Boolean, reflect: true },
  };

  declare request: RequestView;
  declare compact: boolean;
  /** How many times this row rendered (read by tests and script/bench_card). */
  renderCount = 0;

  constructor() {
    super();
    this.compact = false;
  }

  protected shouldUpdate(changed: PropertyValues): boolean {
    return this.request !== undefined && super.shouldUpdate(changed);
  }

  protected render() {
    this.renderCount += 1;
    const r = this.request;
    const problems = Object.entries(r.problems ?? {});
    const percent = formatPercent(r.progress);
    const speed = formatSpeed(r.speed);
    const eta = formatEta(r.eta);
    const seasons = r.media_type === "tv" ? formatSeasons(r.seasons) : "";
    return html`
      <div
        class="row ${problems.length ? "has-problem" : ""}"
        role="button"
        tabindex="0"
        data-request-id=${r.request_id}
        @click=${this._open}
        @keydown=${this._key}
      >
        ${this.compact
          ? nothing
          : html`<div class="poster">
              ${r.poster_url
                ? html`<img src=${r.poster_url} alt="" loading="lazy" @error=${this._posterFailed} />`
                : html`<div class="poster-placeholder">${r.media_type === "tv" ? "TV" : "🎬"}</div>`}
            </div>`}
        <div class="body">
          <div class="heading">
            <span class="title">${r.title ?? "Unknown title"}</span>
            ${r.year ? html`<span class="year">(${r.year})</span>` : nothing}
          </div>
          <div class="meta">
            <span class="chip stage stage-${r.state}" data-stage=${r.state}>${stageLabel(r.state)}</span>
            ${seasons ? html`<span class="seasons">${seasons}</span>` : nothing}
            ${r.requested_by ? html`<span class="requester">${r.requested_by}</span>` : nothing}
          </div>
          ${r.progress !== null && r.progress !== undefined && !r.finished
            ? html`<div class="progress">
                <div
                  class="bar"
                  role="progressbar"
                  aria-valuemin="0"
                  aria-valuemax="100"
                  aria-valuenow=${Math.round(r.progress)}
                >
                  <div class="fill" style="width: ${Math.max(0, Math.min(100, r.progress))}%"></div>
                </div>
                <span class="percent">${percent}</span>
                ${speed ? html`<span class="speed">${speed}</span>` : nothing}
                ${eta ? html`<span class="eta">ETA ${eta}</span>` : nothing}
              </div>`
            : nothing}
          ${r.media_type === "tv" && !this.compact ? this._episodes(r) : nothing}
          ${problems.length
            ? html`<div class="problems">
                ${problems.map(
                  ([kind, problem]) =>
                    html`<span class="chip problem problem-${kind}" data-kind=${kind} title=${problem.reason}
                      >⚠ ${problemLabel(kind)}: <span class="reason">${problem.reason}</span></span
                    >`,
                )}
              </div>`
            : nothing}
        </div>
      </div>
    `;
  }

  private _episodes(r: RequestView) {
    const episodes: EpisodeView[] = r.episodes ?? [];
    if (!episodes.length && !r.episodes_summary) {
      return nothing;
    }
    return html`<div class="episodes">
      ${episodes.length
        ? html`<div class="strip">
            ${episodes.map(
              (e) =>
                html`<span
                  class="ep ep-${e.stage}"
                  data-stage=${e.stage}
                  title="${episodeCode(e.season, e.episode)}${e.title ? ` · ${e.title}` : ""} · ${stageLabel(e.stage)}"
                ></span>`,
            )}
          </div>`
        : nothing}
      ${r.episodes_summary ? html`<span class="summary">${r.episodes_summary}</span>` : nothing}
    </div>`;
  }

  private _posterFailed(ev: Event) {
    (ev.target as HTMLImageElement).style.visibility = "hidden";
  }

  private _open() {
    this.dispatchEvent(
      new CustomEvent("request-selected", {
        detail: { request_id: this.request.request_id },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private _key(ev: KeyboardEvent) {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      this._open();
    }
  }

  static styles = css`
    :host {
      display: block;
    }
    .row {
      display: flex;
      gap: 12px;
      padding: 8px 0;
      cursor: pointer;
      border-bottom: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      min-width: 0;
    }
    :host(:last-of-type) .row {
      border-bottom: none;
    }
    .row:focus-visible {
      outline: 2px solid var(--primary-color);
      outline-offset: 2px;
    }
    .poster {
      flex: 0 0 48px;
      width: 48px;
      height: 72px;
      border-radius: 4px;
      overflow: hidden;
      background: var(--secondary-background-color, #e5e5e5);
    }
    .poster img {
      width: 100%;
      height: 100%;
      object-fit: cover;
      display: block;
    }
    .poster-placeholder {
      display: flex;
      align-items: center;
      justify-content: center;
      height: 100%;
      color: var(--secondary-text-color);
      font-size: 14px;
    }
    .body {
      flex: 1 1 auto;
      min-width: 0;
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .heading {
      display: flex;
      gap: 6px;
      align-items: baseline;
      min-width: 0;
    }
    .title {
      font-weight: 500;
      color: var(--primary-text-color);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .year,
    .seasons,
    .requester,
    .summary,
    .speed,
    .eta,
    .percent {
      color: var(--secondary-text-color);
      font-size: 12px;
      white-space: nowrap;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      align-items: center;
    }
    .chip {
      display: inline-block;
      border-radius: 10px;
      padding: 1px 8px;
      font-size: 12px;
      line-height: 18px;
      color: var(--text-primary-color, #fff);
      background: var(--primary-color);
      max-width: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .stage-requested,
    .stage-approved,
    .stage-searching {
      background: var(--state-inactive-color, var(--disabled-text-color, #8a8a8a));
    }
    .stage-grabbed,
    .stage-downloading {
      background: var(--info-color, var(--primary-color));
    }
    .stage-downloaded,
    .stage-importing,
    .stage-matching {
      background: var(--accent-color, var(--primary-color));
    }
    .stage-available {
      background: var(--success-color, #43a047);
    }
    .stage-declined,
    .stage-failed,
    .stage-deleted {
      background: var(--error-color, #db4437);
    }
    .progress {
      display: flex;
      align-items: center;
      gap: 8px;
      min-width: 0;
    }
    .bar {
      flex: 1 1 auto;
      height: 6px;
      border-radius: 3px;
      background: var(--divider-color, rgba(0, 0, 0, 0.12));
      overflow: hidden;
      min-width: 40px;
    }
    .fill {
      height: 100%;
      background: var(--primary-color);
      transition: width 0.3s ease;
    }
    .episodes {
      display: flex;
      align-items: center;
      gap: 8px;
      min-width: 0;
    }
    .strip {
      display: flex;
      flex-wrap: wrap;
      gap: 2px;
      min-width: 0;
    }
    .ep {
      width: 8px;
      height: 8px;
      border-radius: 2px;
      background: var(--divider-color, #ccc);
    }
    .ep-downloading,
    .ep-grabbed {
      background: var(--info-color, var(--primary-color));
    }
    .ep-downloaded,
    .ep-importing,
    .ep-matching {
      background: var(--accent-color, var(--primary-color));
    }
    .ep-available {
      background: var(--success-color, #43a047);
    }
    .ep-failed {
      background: var(--error-color, #db4437);
    }
    .ep-unaired {
      background: transparent;
      border: 1px dashed var(--secondary-text-color);
      box-sizing: border-box;
    }
    .problems {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .problem {
      background: var(--warning-color, #ffa600);
      white-space: normal;
    }
    .problem-download_error {
      background: var(--error-color, #db4437);
    }
    :host([compact]) .row {
      padding: 4px 0;
    }
  `;
}

if (!customElements.get("status-tracker-row")) {
  customElements.define("status-tracker-row", StatusTrackerRow);
}

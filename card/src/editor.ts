// Visual editor for the card's options: title, show_history, max_items, compact.
import { LitElement, html, css } from "lit";
import type { CardConfig, Hass } from "./types";

export class StatusTrackerCardEditor extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
  };

  declare hass?: Hass;
  declare _config?: CardConfig;

  setConfig(config: CardConfig): void {
    this._config = { ...config };
  }

  protected render() {
    if (!this._config) {
      return html``;
    }
    const c = this._config;
    return html`
      <div class="editor">
        <label>
          <span>Title</span>
          <input
            name="title"
            type="text"
            .value=${c.title ?? ""}
            @change=${(ev: Event) => this._set("title", (ev.target as HTMLInputElement).value || undefined)}
          />
        </label>
        <label>
          <span>Maximum requests shown</span>
          <input
            name="max_items"
            type="number"
            min="1"
            max="500"
            .value=${c.max_items !== undefined ? String(c.max_items) : ""}
            @change=${(ev: Event) => {
              const value = parseInt((ev.target as HTMLInputElement).value, 10);
              this._set("max_items", Number.isFinite(value) && value > 0 ? value : undefined);
            }}
          />
        </label>
        <label class="check">
          <input
            name="show_history"
            type="checkbox"
            .checked=${c.show_history !== false}
            @change=${(ev: Event) => this._set("show_history", (ev.target as HTMLInputElement).checked)}
          />
          <span>Show the history tab</span>
        </label>
        <label class="check">
          <input
            name="compact"
            type="checkbox"
            .checked=${c.compact === true}
            @change=${(ev: Event) => this._set("compact", (ev.target as HTMLInputElement).checked)}
          />
          <span>Compact (no posters or episode strips)</span>
        </label>
      </div>
    `;
  }

  private _set(key: keyof CardConfig, value: unknown): void {
    if (!this._config) {
      return;
    }
    const config: Record<string, unknown> = { ...this._config };
    if (value === undefined) {
      delete config[key];
    } else {
      config[key] = value;
    }
    this._config = config as unknown as CardConfig;
    this.dispatchEvent(
      new CustomEvent("config-changed", {
        detail: { config: this._config },
        bubbles: true,
        composed: true,
      }),
    );
  }

  static styles = css`
    .editor {
      display: flex;
      flex-direction: column;
      gap: 12px;
      color: var(--primary-text-color);
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 4px;
      font-size: 14px;
    }
    label.check {
      flex-direction: row;
      align-items: center;
      gap: 8px;
    }
    input[type="text"],
    input[type="number"] {
      padding: 8px;
      border-radius: 4px;
      border: 1px solid var(--divider-color, #ccc);
      background: var(--card-background-color, #fff);
      color: var(--primary-text-color);
      font-size: 14px;
    }
  `;
}

if (!customElements.get("status-tracker-card-editor")) {
  customElements.define("status-tracker-card-editor", StatusTrackerCardEditor);
}

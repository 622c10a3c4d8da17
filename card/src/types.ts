// Shapes of what the integration's websocket API and actions return.

export interface Problem {
  reason: string;
  since: string | null;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  source: string | null;
  key: string | null;
  detail: string | null;
}

export interface EpisodeView {
  season: number;
  episode: number;
  title: string | null;
  air_date: string | null;
  stage: string;
  progress: number | null;
  jellyfin_id: string | null;
}

export interface RequestView {
  request_id: string;
  title: string | null;
  year: number | null;
  media_type: "movie" | "tv" | string;
  state: string;
  finished: boolean;
  stage_since: string | null;
  created_at: string | null;
  finished_at: string | null;
  requested_by: string | null;
  origin?: string | null;
  seasons: number[];
  is_anime?: boolean;
  poster_url: string | null;
  progress: number | null;
  // Optional live download figures (bytes/s and seconds), shown when present.
  speed?: number | null;
  eta?: number | null;
  problems: Record<string, Problem>;
  ids?: Record<string, unknown>;
  episodes_summary?: string;
  timeline?: TimelineEntry[];
  episodes?: EpisodeView[];
  jellyfin_url?: string | null;
}

export interface ServiceResult {
  service: string;
  instance: string | null;
  outcome: string;
  detail: string | null;
}

export interface DeleteResult {
  request_id: string;
  title: string | null;
  state: string;
  delete_files: boolean;
  partial: boolean;
  results: ServiceResult[];
}

export interface SubscriptionEvent {
  requests?: RequestView[];
  initial?: boolean;
  changed?: RequestView[];
  removed?: string[];
}

export interface HassConnection {
  subscribeMessage<T>(
    callback: (message: T) => void,
    message: Record<string, unknown>,
  ): Promise<() => void | Promise<void>>;
}

export interface Hass {
  callWS<T>(message: Record<string, unknown>): Promise<T>;
  connection: HassConnection;
  user?: { is_admin?: boolean; name?: string };
  themes?: { darkMode?: boolean };
  language?: string;
  locale?: { language?: string };
}

export interface CardConfig {
  type: string;
  title?: string;
  show_history?: boolean;
  max_items?: number;
  compact?: boolean;
  config_entry_id?: string;
}

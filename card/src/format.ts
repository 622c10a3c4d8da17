// Pure formatting helpers (no DOM), shared by the card and its rows.

export const STAGES = [
  "requested",
  "approved",
  "searching",
  "grabbed",
  "downloading",
  "downloaded",
  "importing",
  "matching",
  "available",
] as const;

export const OUTCOMES = ["available", "declined", "failed", "deleted"] as const;

const STAGE_LABELS: Record<string, string> = {
  requested: "Requested",
  approved: "Approved",
  searching: "Searching",
  grabbed: "Grabbed",
  downloading: "Downloading",
  downloaded: "Downloaded",
  importing: "Importing",
  matching: "Matching",
  available: "Available",
  declined: "Declined",
  failed: "Failed",
  deleted: "Deleted",
  unaired: "Not aired",
  added_to_arr: "Added to the *arr",
  imported: "Imported",
  seerr_available: "Available in Seerr",
  download_error: "Download error",
  import_blocked: "Import blocked",
  matched: "Matched",
  not_matched: "Not matched",
  file_deleted: "File deleted",
  in_library: "In the library",
};

const PROBLEM_LABELS: Record<string, string> = {
  stalled: "Stalled",
  download_error: "Download error",
  needs_link: "Needs link",
  import_blocked: "Import blocked",
};

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? stage.replace(/_/g, " ");
}

export function problemLabel(kind: string): string {
  return PROBLEM_LABELS[kind] ?? kind.replace(/_/g, " ");
}

export function formatPercent(progress: number | null | undefined): string {
  if (progress === null || progress === undefined || Number.isNaN(progress)) {
    return "";
  }
  const clamped = Math.max(0, Math.min(100, progress));
  return `${clamped >= 10 || Number.isInteger(clamped) ? Math.round(clamped) : clamped.toFixed(1)}%`;
}

export function formatSpeed(bytesPerSecond: number | null | undefined): string {
  if (!bytesPerSecond || bytesPerSecond <= 0) {
    return "";
  }
  const units = ["B/s", "kB/s", "MB/s", "GB/s"];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds < 0 || seconds >= 8640000) {
    return "";
  }
  if (seconds < 60) {
    return `${Math.round(seconds)}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours}h ${minutes % 60}m`;
  }
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function formatSeasons(seasons: number[] | undefined): string {
  if (!seasons || seasons.length === 0) {
    return "";
  }
  const sorted = [...seasons].sort((a, b) => a - b);
  const contiguous = sorted.every((s, i) => i === 0 || s === sorted[i - 1] + 1);
  if (sorted.length > 2 && contiguous) {
    return `Seasons ${sorted[0]}–${sorted[sorted.length - 1]}`;
  }
  return sorted.length === 1 ? `Season ${sorted[0]}` : `Seasons ${sorted.join(", ")}`;
}

export function formatTime(value: string | null | undefined, language?: string): string {
  if (!value) {
    return "";
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return value;
  }
  return date.toLocaleString(language || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
}

export function episodeCode(season: number, episode: number): string {
  return `S${String(season).padStart(2, "0")}E${String(episode).padStart(2, "0")}`;
}

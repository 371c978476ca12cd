"use client";
import { useState } from "react";
import { fmtPct } from "../../lib/browser/format";
import { imageSource, type ImageOptions, type JudgedPair } from "../../lib/browser/pairs";
import { matchSpans } from "../../lib/curation/highlight";
import { entryProbability } from "../../lib/curation/threshold";

export interface EntryInfo { entry: string; count: number }

/** A worldwide workspace's pairs: each entry's t (its language's) and the language code of an entry id. */
export interface PairLanguages { entryT: ArrayLike<number>; langOf: (id: number) => string }

/** Caption with each matched entry highlighted; larger type where p_e is larger (as MetaCLIP's demo). */
function Caption({ text, entries, t, worldwide, lang }: { text: string; entries: Map<number, EntryInfo>; t: number; worldwide: PairLanguages | null; lang?: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > LONG_CAPTION;
  const spans = matchSpans(text, [...entries].map(([id, e]) => ({ id, entry: e.entry })), worldwide ? "worldwide" : "metaclip");
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue; // overlapping: the longest at each start was taken
    if (s.start > at) parts.push(text.slice(at, s.start));
    const e = entries.get(s.entryId)!;
    const te = worldwide ? worldwide.entryT[s.entryId] : t;
    const p = te === 0 ? 0 : entryProbability(e.count, te);
    parts.push(
      <mark key={`${s.start}-${s.entryId}`} data-entry-id={s.entryId} data-p={p} title={`"${e.entry}": count ${e.count}, p_e = ${p.toPrecision(4)}`}
        style={{ fontSize: `${0.8 + 0.6 * p}em` }} className="rounded bg-amber-200 px-0.5 text-zinc-900 dark:bg-amber-700 dark:text-zinc-50">
        {text.slice(s.start, s.end)}
      </mark>,
    );
    at = s.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  // dir="auto": a right-to-left caption reads right to left; lang: the browser picks the script's font and line breaks (Thai, CJK)
  const caption = <p className={`break-words text-sm ${long && !open ? "line-clamp-6" : ""}`} data-testid="pair-caption" dir="auto" lang={lang}>{parts}</p>;
  if (!long) return caption;
  // a caption of thousands of characters would stretch its card (and row) thousands of pixels: six lines, and the rest on request
  return (<>
    {caption}
    <button type="button" data-testid="pair-caption-toggle" className="text-xs text-sky-700 underline dark:text-sky-400" onClick={() => setOpen(!open)}>
      {open ? "show less" : `show all ${text.length.toLocaleString("en-US")} characters`}
    </button>
  </>);
}

/** Captions longer than this are shown six lines deep until opened. */
const LONG_CAPTION = 400;

function Thumb({ src }: { src: string | null | undefined }) {
  const [failed, setFailed] = useState(false);
  if (src === undefined) return <div className="h-28 w-28 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" aria-label="image loading" />;
  if (!src || failed) {
    return <div data-testid="image-placeholder" className="flex h-28 w-28 items-center justify-center rounded bg-zinc-100 text-xs text-zinc-500 dark:bg-zinc-800">no image</div>;
  }
  // eslint-disable-next-line @next/next/no-img-element
  return <img src={src} alt="" data-testid="pair-image" loading="lazy" onError={() => setFailed(true)} className="h-28 w-28 rounded object-contain [image-rendering:pixelated]" />;
}

export function PairCard({ pair, entries, t, images, worldwide = null }: { pair: JudgedPair; entries: Map<number, EntryInfo>; t: number; images: ImageOptions; worldwide?: PairLanguages | null }) {
  const own = new Map([...entries].filter(([id]) => pair.entryIds.includes(id)));
  const lang = worldwide && pair.entryIds.length > 0 ? worldwide.langOf(pair.entryIds[0]) : undefined;
  return (
    <article data-testid="pair" data-uid={pair.uid} data-kept={pair.kept ? "1" : "0"} data-p-keep={pair.pKeep} data-lang={lang}
      className={`flex gap-3 rounded border p-2 ${pair.kept ? "border-emerald-400 dark:border-emerald-700" : "border-zinc-200 opacity-75 dark:border-zinc-800"}`}>
      <Thumb src={imageSource(pair, images)} />
      <div className="min-w-0 flex-1 space-y-1">
        <Caption text={pair.text} entries={own} t={t} worldwide={worldwide} lang={lang} />
        <p className="text-xs text-zinc-500">
          <span className={`mr-2 rounded px-1 font-medium ${pair.kept ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100" : "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"}`} data-testid="pair-status">
            {pair.kept ? "kept" : "dropped"}
          </span>
          {lang && <span className="mr-2 inline-block max-w-[8rem] truncate align-bottom" title={lang} data-testid="pair-lang">{lang}</span>}
          P(keep) {fmtPct(pair.pKeep, 1)} · draw {pair.u.toFixed(4)} · {pair.entryIds.length} entr{pair.entryIds.length === 1 ? "y" : "ies"}
        </p>
      </div>
    </article>
  );
}

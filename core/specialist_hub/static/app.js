// The Specialist Hub playground: plain JavaScript over the JSON API, no build step, nothing remote.
"use strict";

const SERVER_ONLY_OPTIONS = new Set(["output_dir", "annotate_dir", "checkpoint"]);
const MAX_PICTURES = 24;
const $ = (id) => document.getElementById(id);
let models = [];

// -- API calls -------------------------------------------------------------------------------

async function api(path, init = {}) {
  const key = sessionStorage.getItem("hub-api-key");
  const headers = Object.assign({}, init.headers || {}, key ? { "X-API-Key": key } : {});
  const response = await fetch(path, Object.assign({}, init, { headers }));
  if (response.status === 401) {
    $("key-box").hidden = false;
    throw new Error("This server needs an API key: enter it above.");
  }
  return response;
}

async function apiJson(path, init) {
  const response = await api(path, init);
  const data = await response.json().catch(() => ({ detail: response.statusText }));
  if (!response.ok) {
    const close = data.close_matches && data.close_matches.length ? ` Did you mean ${data.close_matches.join(", ")}?` : "";
    throw new Error(`${response.status}: ${typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)}${close}`);
  }
  return data;
}

// -- choosing a model ------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function currentModel() {
  return models.find((m) => m.id === $("model").value);
}

function isFileKind(spec) {
  return Boolean(spec.takes_files);  // images, audio, video: uploaded, not typed
}

async function loadModels() {
  models = await apiJson("/models");
  const domains = [...new Set(models.map((m) => m.domain))].sort();
  $("domain").replaceChildren(...domains.map((d) => el("option", { value: d, text: d })));
  const wanted = new URLSearchParams(location.search).get("model");
  if (wanted && models.some((m) => m.id === wanted)) $("domain").value = wanted.split("/")[0];
  fillModels(wanted);
}

function fillModels(wanted) {
  const domain = $("domain").value;
  const list = models.filter((m) => m.domain === domain);  // the server lists the default first
  $("model").replaceChildren(...list.map((m) => el("option", { value: m.id, text: m.id + (m.default ? " (default)" : "") })));
  if (wanted && list.some((m) => m.id === wanted)) $("model").value = wanted;
  showModel();
}

function showModel() {
  const spec = currentModel();
  if (!spec) return;
  const status = spec.available ? "" : ` — not installed here: ${spec.install_hint}`;
  $("summary").textContent = `${spec.summary} · input: ${spec.input_kind} · licence: ${spec.license}${status}`;
  const fileKind = isFileKind(spec);
  $("text-area").hidden = fileKind;
  $("file-area").hidden = !fileKind;
  $("file-input").accept = fileKind ? `${spec.input_kind}/*` : "";
  const placeholders = { molecule: "CC(=O)Oc1ccccc1C(=O)O", sequence: "MKTAYIAKQRQISFVKSHFSRQ", text: "Some text" };
  $("text-label").textContent = `${spec.input_kind === "molecule" ? "SMILES" : "Inputs"}, one per line`;
  $("text-input").placeholder = placeholders[spec.input_kind] || "";
  $("example").hidden = !spec.examples.some((e) => typeof e.input === "string");
  const fields = spec.options.filter((o) => !SERVER_ONLY_OPTIONS.has(o.name)).map(optionField);
  $("option-fields").replaceChildren(...fields);
  $("options").hidden = fields.length === 0;
  $("results").replaceChildren();
  $("visuals").replaceChildren();
  $("status").textContent = "";
}

function optionField(option) {
  let input;
  if (option.choices && option.choices.length) {
    input = el("select", {}, ...option.choices.map((c) => el("option", { value: JSON.stringify(c), text: String(c) })));
    input.value = JSON.stringify(option.default);
  } else if (option.type === "bool") {
    input = el("input", { type: "checkbox" });
    input.checked = Boolean(option.default);
  } else {
    input = el("input", { type: option.type === "str" ? "text" : "number", step: option.type === "int" ? "1" : "any" });
    input.value = option.default ?? "";
  }
  input.dataset.option = option.name;
  input.dataset.type = option.type;
  return el("label", { title: option.description }, `${option.name} `, input);
}

function chosenOptions() {
  const spec = currentModel();
  const options = {};
  for (const input of document.querySelectorAll("[data-option]")) {
    const declared = spec.options.find((o) => o.name === input.dataset.option);
    let value;
    if (input.tagName === "SELECT") value = JSON.parse(input.value);
    else if (input.type === "checkbox") value = input.checked;
    else if (input.dataset.type === "str") value = input.value;
    else if (input.value === "") continue;
    else value = Number(input.value);
    if (JSON.stringify(value) !== JSON.stringify(declared.default)) options[declared.name] = value;
  }
  return options;
}

// -- predicting ------------------------------------------------------------------------------

async function predict(event) {
  event.preventDefault();
  const spec = currentModel();
  const options = chosenOptions();
  let init;
  let files = [];
  if (isFileKind(spec)) {
    files = [...$("file-input").files];
    if (!files.length) return setStatus("Choose one or more files first.", true);
    const form = new FormData();
    files.forEach((file) => form.append("files", file, file.name));
    form.append("options", JSON.stringify(options));
    init = { method: "POST", body: form };
  } else {
    const inputs = $("text-input").value.split("\n").map((s) => s.trim()).filter(Boolean);
    if (!inputs.length) return setStatus("Type at least one input.", true);
    init = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ inputs, options }) };
  }
  $("predict").disabled = true;
  setStatus("Running… (the first call loads the model)");
  try {
    const records = await apiJson(`/models/${spec.id}/predict`, init);
    const failed = records.filter((r) => !r.ok).length;
    setStatus(`${records.length - failed} ok${failed ? `, ${failed} failed` : ""}`, failed > 0);
    renderTable(spec, records);
    await renderVisuals(spec, records, files);
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    $("predict").disabled = false;
  }
}

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function formatValue(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// Why a record's values are not to be taken at face value (the trust convention's in_domain), or null.
function outOfDomainNote(record) {
  const output = record.ok ? record.output : null;
  if (!output || output.in_domain !== false) return null;
  const threshold = output.domain_threshold;
  const short = (value) => Number(value.toPrecision(3));
  for (const [word, sign] of [["similarity", "<"], ["distance", ">"]]) {
    const value = output[`domain_${word}`];
    if (isNum(value) && isNum(threshold)) {
      return `outside the applicability domain (${word} ${short(value)} ${sign} threshold ${short(threshold)})`;
    }
  }
  return "outside the applicability domain";
}

function domainBadge(note) {
  return el("span", { class: "domain-badge", title: `${note}: the model's values may be unreliable` },
    "⚠ outside applicability domain");
}

// Long values (lists of points, text) scroll inside their cell; the cell's text stays the whole value.
function valueCell(field, value) {
  const text = formatValue(value);
  const cell = el("td", { class: typeof value === "number" ? "num" : "", "data-field": field });
  cell.append(text.length > 200 ? el("div", { class: "long", text }) : text);
  return cell;
}

function renderTable(spec, records) {
  const head = el("tr", {}, el("th", { text: "#" }), el("th", { text: "input" }), el("th", { text: "ok" }));
  for (const field of spec.outputs) {
    const th = el("th", { title: field.description, text: field.name });
    if (field.unit) th.append(" ", el("small", { text: `(${field.unit})` }));
    head.append(th);
  }
  head.append(el("th", { text: "error" }));
  const rows = records.map((record) => {
    const note = outOfDomainNote(record);
    const tr = el("tr", { class: record.ok ? (note ? "out-of-domain" : "") : "failed" }, el("td", { text: String(record.position) }),
      el("td", { text: record.id ? `${record.id}: ${record.input}` : record.input }), el("td", { text: record.ok ? "yes" : "no" }));
    if (note) {
      tr.title = note;
      tr.children[2].append(" ", domainBadge(note));
    }
    for (const field of spec.outputs) tr.append(valueCell(field.name, record.ok ? record.output[field.name] : null));
    tr.append(el("td", { class: "error", text: record.ok ? "" : `${record.error.type}: ${record.error.message}` }));
    return tr;
  });
  const table = el("table", { id: "result-table" }, el("thead", {}, head), el("tbody", {}, ...rows));
  $("results").replaceChildren(el("div", { class: "scroll" }, table));
}

async function renderVisuals(spec, records, files) {
  const figures = [];
  for (const record of records.slice(0, MAX_PICTURES)) {
    if (spec.input_kind === "molecule" && record.ok) figures.push(await moleculeFigure(record));
    const file = files[record.position];
    if (spec.input_kind === "image" && file && record.ok) figures.push(await imageFigure(spec, file, record));
    if (spec.input_kind === "audio" && file && record.ok) figures.push(await audioFigure(file, record));
    if (spec.input_kind === "video" && file && record.ok) figures.push(await videoFigure(file, record));
  }
  $("visuals").replaceChildren(...figures.filter(Boolean));
}

// -- molecules: RDKit SVG from the server ----------------------------------------------------

async function moleculeFigure(record) {
  const smiles = record.output.canonical_smiles || record.input;
  const response = await api(`/draw/molecule?smiles=${encodeURIComponent(smiles)}`);
  if (!response.ok) return null;
  const url = URL.createObjectURL(new Blob([await response.text()], { type: "image/svg+xml" }));
  const note = outOfDomainNote(record);
  const caption = el("figcaption", { text: smiles });
  if (note) caption.append(" ", domainBadge(note));
  return el("figure", { class: note ? "molecule out-of-domain" : "molecule" },
    el("img", { src: url, alt: smiles, width: "320", height: "240" }), caption);
}

// -- images: boxes and polygons from any output field with coordinates -----------------------

const isNum = (v) => typeof v === "number" && Number.isFinite(v);
const RECT_KEYS = [["x1", "y1", "x2", "y2"], ["xmin", "ymin", "xmax", "ymax"], ["x_min", "y_min", "x_max", "y_max"],
  ["left", "top", "right", "bottom"]];
const SIZE_KEYS = [["x", "y", "width", "height"], ["x", "y", "w", "h"]];

function rectangle(x1, y1, x2, y2) {
  return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
}

function polygonOf(geometry) {
  if (Array.isArray(geometry)) {
    if (geometry.length === 4 && geometry.every(isNum)) return rectangle(...geometry);
    if (geometry.length >= 2 && geometry.every((p) => Array.isArray(p) && isNum(p[0]) && isNum(p[1]))) {
      return geometry.length === 2 ? rectangle(geometry[0][0], geometry[0][1], geometry[1][0], geometry[1][1]) : geometry;
    }
    return null;
  }
  if (geometry && typeof geometry === "object") {
    for (const keys of RECT_KEYS) if (keys.every((k) => isNum(geometry[k]))) return rectangle(...keys.map((k) => geometry[k]));
    for (const [x, y, w, h] of SIZE_KEYS) {
      if ([x, y, w, h].every((k) => isNum(geometry[k]))) {
        return rectangle(geometry[x], geometry[y], geometry[x] + geometry[w], geometry[y] + geometry[h]);
      }
    }
  }
  return null;
}

const GEOMETRY_FIELDS = new Set(["box", "bbox", "polygon"]);

function shapesOf(output) {
  const shapes = [];
  for (const [field, value] of Object.entries(output)) {
    if (GEOMETRY_FIELDS.has(field)) {  // one shape for the whole image (vision/segment-person's box)
      const points = polygonOf(value);
      if (points) shapes.push({ points, label: "" });
      continue;
    }
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      let geometry = item;
      let label = "";
      if (item && typeof item === "object" && !Array.isArray(item)) {
        geometry = item.box ?? item.bbox ?? item.points ?? item.polygon ?? item;
        const name = item.label ?? item.text ?? item.class ?? "";
        label = [name, isNum(item.score) ? item.score.toFixed(2) : ""].filter((s) => s !== "").join(" ");
      }
      const points = polygonOf(geometry);
      if (points) shapes.push({ points, label: String(label) });
    }
  }
  return shapes;
}

// A point of any landmark notation: [x, y(, z)] or {x, y, visibility?}; null when not a point or not
// visible enough (pose landmarks out of frame carry a low visibility).
const MIN_VISIBILITY = 0.5;

function pointOf(value) {
  if (Array.isArray(value) && value.length >= 2 && isNum(value[0]) && isNum(value[1])) return [value[0], value[1]];
  if (value && isNum(value.x) && isNum(value.y) && !(isNum(value.visibility) && value.visibility < MIN_VISIBILITY)) {
    return [value.x, value.y];
  }
  return null;
}

// Points in their order (so a spec's connections can index them), whether given as a list or a dict by name.
function pointList(value) {
  const values = Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value) : [];
  return values.map(pointOf);
}

// The keypoints and landmarks of every item of the output's list fields, and the lines between them that
// the spec's display hint names (connections: {field: [[i, j], ...]}).
function landmarksOf(spec, output) {
  const connections = (spec.display && spec.display.connections) || {};
  const points = [];
  const lines = [];
  for (const [field, value] of Object.entries(output)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (!item || typeof item !== "object" || Array.isArray(item)) continue;
      for (const key of ["keypoints", "landmarks"]) {
        const list = pointList(item[key]);
        points.push(...list.filter(Boolean));
        if (key !== "landmarks") continue;
        for (const [a, b] of connections[field] || []) if (list[a] && list[b]) lines.push([list[a], list[b]]);
      }
    }
  }
  return { points, lines };
}

// Output fields naming a mask file the model wrote (e.g. mask_path): the server hands it out by name.
function maskFiles(output) {
  return Object.entries(output).filter(([field, value]) => /mask/.test(field) && /_path$/.test(field)
    && typeof value === "string" && value).map(([, value]) => value.split(/[\\/]/).pop());
}

// Draws the mask (white: foreground) over the image, tinted and half transparent; the share of it set.
async function drawMask(ctx, name) {
  const response = await api(`/outputs/${encodeURIComponent(name)}`);
  if (!response.ok) return null;
  const mask = await createImageBitmap(await response.blob());
  const { width, height } = ctx.canvas;
  const layer = Object.assign(document.createElement("canvas"), { width, height }).getContext("2d");
  layer.drawImage(mask, 0, 0, width, height);
  const pixels = layer.getImageData(0, 0, width, height);
  let set = 0;
  for (let i = 0; i < pixels.data.length; i += 4) {
    const on = pixels.data[i] > 127;
    set += on;
    pixels.data.set(on ? [0, 170, 255, 110] : [0, 0, 0, 0], i);
  }
  layer.putImageData(pixels, 0, 0);
  ctx.drawImage(layer.canvas, 0, 0);
  return set / (width * height);
}

async function imageFigure(spec, file, record) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);  // honours EXIF rotation, like the models
  } catch {
    return null;
  }
  const canvas = el("canvas", { class: "annotated" });
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  const line = Math.max(2, Math.round(Math.max(bitmap.width, bitmap.height) / 300));
  const masks = maskFiles(record.output);
  for (const name of masks) {
    const share = await drawMask(ctx, name);
    if (share !== null) canvas.dataset.mask = share.toFixed(4);
  }
  const shapes = shapesOf(record.output);
  ctx.lineWidth = line;
  ctx.font = `${6 * line + 4}px sans-serif`;
  for (const shape of shapes) {
    ctx.strokeStyle = "#ff2d55";
    ctx.beginPath();
    shape.points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.stroke();
    if (shape.label) {
      const [x, y] = shape.points[0];
      const width = ctx.measureText(shape.label).width + 2 * line;
      ctx.fillStyle = "#ff2d55";
      ctx.fillRect(x, Math.max(0, y - 7 * line - 4), width, 7 * line + 4);
      ctx.fillStyle = "#fff";
      ctx.fillText(shape.label, x + line, Math.max(6 * line + 2, y - line - 2));
    }
  }
  const { points, lines } = landmarksOf(spec, record.output);
  ctx.strokeStyle = "#00e676";
  ctx.lineWidth = Math.max(1, line / 2);
  ctx.beginPath();
  for (const [[x1, y1], [x2, y2]] of lines) {
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
  }
  ctx.stroke();
  ctx.fillStyle = "#ffea00";
  const radius = Math.max(1, line / 2);
  for (const [x, y] of points) ctx.fillRect(x - radius, y - radius, 2 * radius, 2 * radius);
  Object.assign(canvas.dataset, { shapes: String(shapes.length), points: String(points.length), lines: String(lines.length) });
  const parts = [`${shapes.length} shape(s)`];
  if (points.length) parts.push(`${points.length} point(s)`);
  if (canvas.dataset.mask) parts.push(`mask ${(100 * canvas.dataset.mask).toFixed(1)} %`);
  return el("figure", { class: "image" }, canvas, el("figcaption", { text: `${record.input}: ${parts.join(", ")}` }));
}

// -- audio: waveform with time segments ------------------------------------------------------

function segmentsOf(output) {
  const segments = [];
  for (const [field, value] of Object.entries(output)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (Array.isArray(item) && field === "segments" && isNum(item[0]) && isNum(item[1])) {
        segments.push({ start: item[0], end: item[1], label: "" });
      } else if (item && isNum(item.start) && isNum(item.end)) {  // seconds; a video QC field names its kind
        const kind = field.endsWith("_segments") ? field.replace(/_segments$/, "") : "";
        segments.push({ start: item.start, end: item.end, label: String(item.text ?? item.label ?? item.speaker ?? kind) });
      }
    }
  }
  return segments;
}

async function audioFigure(file, record) {
  let audio;
  try {
    const context = new OfflineAudioContext(1, 1, 44100);
    audio = await context.decodeAudioData(await file.arrayBuffer());
  } catch {
    return el("figure", { class: "audio" }, el("figcaption", { text: `${record.input}: this browser cannot decode the file` }));
  }
  const width = 720;
  const height = 140;
  const canvas = el("canvas", { class: "waveform" });
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  const segments = segmentsOf(record.output);
  const perPixel = audio.duration / width;
  ctx.fillStyle = "rgba(35, 57, 93, 0.18)";
  for (const segment of segments) {
    ctx.fillRect(segment.start / perPixel, 0, Math.max(1, (segment.end - segment.start) / perPixel), height);
  }
  const samples = audio.getChannelData(0);
  const step = Math.max(1, Math.floor(samples.length / width));
  ctx.strokeStyle = "#23395d";
  ctx.beginPath();
  for (let x = 0; x < width; x++) {
    let low = 0;
    let high = 0;
    for (let i = x * step; i < Math.min(samples.length, (x + 1) * step); i++) {
      low = Math.min(low, samples[i]);
      high = Math.max(high, samples[i]);
    }
    ctx.moveTo(x + 0.5, (1 - high) * height / 2);
    ctx.lineTo(x + 0.5, (1 - low) * height / 2 + 1);
  }
  ctx.stroke();
  ctx.fillStyle = "#1d232a";
  ctx.font = "12px sans-serif";
  for (const segment of segments) if (segment.label) ctx.fillText(segment.label, segment.start / perPixel + 2, 14);
  canvas.dataset.segments = String(segments.length);
  const caption = `${record.input}: ${audio.duration.toFixed(2)} s, ${segments.length} segment(s)`;
  return el("figure", { class: "audio" }, canvas, el("figcaption", { text: caption }));
}

// -- video: a strip of shot thumbnails, and a timeline of the cuts and the time segments ---------

const THUMB_WIDTH = 160;

// [start, end] in seconds of each {start, end, start_frame, end_frame} shot.
function shotsOf(output) {
  const shots = Array.isArray(output.shots) ? output.shots : [];
  return shots.filter((shot) => shot && isNum(shot.start) && isNum(shot.end)).map((shot) => [shot.start, shot.end]);
}

// Resolves on `event` of the video (after `start()`), rejects on an error or after 10 s.
function videoEvent(video, event, start = () => {}) {
  return new Promise((resolve, reject) => {
    video.addEventListener(event, resolve, { once: true });
    video.addEventListener("error", reject, { once: true });
    setTimeout(() => reject(new Error(`no ${event} in 10 s`)), 10000);
    start();
  });
}

// Draws each shot's middle frame into its canvas; false where this browser cannot decode the file.
async function drawThumbnails(file, shots, canvases) {
  const video = el("video", { muted: "", preload: "auto", src: URL.createObjectURL(file) });
  try {
    await videoEvent(video, "loadeddata");
    for (const [index, [start, end]] of shots.entries()) {
      await videoEvent(video, "seeked", () => { video.currentTime = (start + end) / 2; });
      const canvas = canvases[index];
      canvas.height = Math.round(THUMB_WIDTH * video.videoHeight / video.videoWidth);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.dataset.drawn = "true";
    }
    return true;
  } catch {
    return false;
  } finally {
    URL.revokeObjectURL(video.src);
  }
}

async function videoFigure(file, record) {
  const output = record.output;
  const shots = shotsOf(output);
  const segments = segmentsOf(output);
  if (!shots.length && !segments.length) return null;
  const duration = output.duration || Math.max(...shots.map((s) => s[1]), ...segments.map((s) => s.end));
  const at = (time) => `${(100 * Math.min(Math.max(time / duration, 0), 1)).toFixed(3)}%`;
  const figure = el("figure", { class: "video" });
  if (shots.length) {
    const canvases = shots.map(() => Object.assign(el("canvas", { class: "thumb" }), { width: THUMB_WIDTH, height: 90 }));
    const cells = shots.map(([start, end], index) => el("div", { class: "shot" }, canvases[index],
      el("span", { text: `#${index + 1} ${start.toFixed(2)}–${end.toFixed(2)} s` })));
    figure.append(el("div", { class: "shot-strip", "data-shots": String(shots.length) }, ...cells));
    if (!(await drawThumbnails(file, shots, canvases))) {
      figure.append(el("p", { class: "hint", text: "This browser cannot decode the video: no thumbnails." }));
    }
  }
  const timeline = el("div", { class: "timeline", "data-cuts": String(Math.max(0, shots.length - 1)),
    "data-segments": String(segments.length) });
  for (const segment of segments) {
    const title = `${segment.label}: ${segment.start.toFixed(2)}–${segment.end.toFixed(2)} s`;
    timeline.append(el("div", { class: `segment ${segment.label}`, title,
      style: `left:${at(segment.start)};width:${at(segment.end - segment.start)}` }, el("span", { text: segment.label })));
  }
  for (const [start] of shots.slice(1)) {
    timeline.append(el("div", { class: "cut", title: `cut at ${start.toFixed(2)} s`, style: `left:${at(start)}` }));
  }
  const parts = [`${record.input}: ${duration.toFixed(2)} s`];
  if (shots.length) parts.push(`${shots.length} shot(s)`);
  if (segments.length) parts.push(`${segments.length} segment(s)`);
  figure.append(timeline, el("figcaption", { text: parts.join(", ") }));
  return figure;
}

// -- wiring ----------------------------------------------------------------------------------

function useExamples() {
  const examples = currentModel().examples.map((e) => e.input).filter((i) => typeof i === "string");
  $("text-input").value = examples.join("\n");
}

async function boot() {
  try {
    await loadModels();
    document.body.dataset.ready = "true";
  } catch (error) {
    setStatus(error.message, true);
  }
}

$("domain").addEventListener("change", () => fillModels());
$("model").addEventListener("change", showModel);
$("form").addEventListener("submit", predict);
$("example").addEventListener("click", useExamples);
$("save-key").addEventListener("click", () => {
  sessionStorage.setItem("hub-api-key", $("api-key").value.trim());
  $("key-box").hidden = true;
  boot();
});
boot();

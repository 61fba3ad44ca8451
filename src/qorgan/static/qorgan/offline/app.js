// The offline screening app: the form, the plan from the engine in the browser, and the
// encrypted queue sent when the network returns (docs/offline.md).

const config = JSON.parse(document.getElementById("offline-config").textContent);
const texts = JSON.parse(document.getElementById("offline-texts").textContent);
const engine = await import(config.modules.engine);
const store = await import(config.modules.store);

const $ = (id) => document.getElementById(id);
const form = $("offline-form");
const TRI = { "": null, yes: true, no: false };
let data = null;
let syncing = false;
let syncAgain = false;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showNetwork() {
  const online = navigator.onLine;
  $("network").textContent = online ? texts.online : texts.offline;
  $("network").classList.toggle("is-offline", !online);
}

async function loadData() {
  const response = await fetch(config.urls.data, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`engine data: ${response.status}`);
  data = await response.json();
  engine.prepare(data);
}

// The request of SPEC §4, as the online form makes it (screening/forms.py: to_request).
function readForm() {
  const fields = new FormData(form);
  const text = (name) => String(fields.get(name) || "").trim();
  const ageText = text("age");
  let age = null;
  if (ageText !== "") {
    if (!/^\d+$/.test(ageText) || Number(ageText) > 130) throw new Error(texts.age_invalid);
    age = Number(ageText);
  }
  const country = text("country") || "KZ";
  const request = {
    screened_by: config.screened_by,
    reported_to_102: fields.get("reported_to_102") === "on" && config.screened_by === "police",
    location: { country, region: country === "KZ" ? text("region") || null : null },
    person: {
      age,
      minor: TRI[text("minor")],
      sex: text("sex") || "unknown",
      citizenship: text("citizenship") || "unknown",
    },
    signs: fields.getAll("signs"),
    risk_groups: fields.getAll("risk_groups"),
    places: fields.getAll("places"),
    physical_injuries: fields.get("physical_injuries") === "on",
    accepts_help: TRI[text("accepts_help")],
  };
  return { request, consent: fields.get("consent_to_referral") === "on" };
}

function renderPlan(result) {
  const plan = $("plan");
  const assessment = $("plan-assessment");
  assessment.textContent = texts[result.assessment];
  assessment.className = `assessment assessment-${result.assessment}`;
  const forms = $("plan-forms-list");
  forms.replaceChildren(
    ...result.exploitation_basis.map((basis) => {
      const item = el("li");
      item.append(el("strong", "", basis.text), ` — ${texts.pointed_to_by} ${basis.evidence.join(", ")}`);
      return item;
    }),
  );
  $("plan-forms").hidden = result.exploitation_basis.length === 0;
  $("plan-notes").replaceChildren(...result.notes.map((note) => el("p", "notice", note.text)));
  const steps = $("plan-steps-list");
  steps.replaceChildren(
    ...result.actions.map((action) => {
      const item = el("li", `urgency-${action.urgency}`);
      const body = el("div", "step-body");
      body.append(
        el("span", "urgency", texts[action.urgency]),
        ` ${action.text} `,
        el("span", "source", texts.sop_line.replace("{line}", action.source.line)),
      );
      item.append(body);
      return item;
    }),
  );
  $("plan-steps").hidden = result.actions.length === 0;
  plan.hidden = false;
}

function formError(message) {
  const box = $("form-error");
  box.textContent = message || "";
  box.hidden = !message;
}

function evaluateForm() {
  formError("");
  try {
    const made = readForm();
    const result = engine.screen(data, made.request);
    renderPlan(result);
    return { ...made, result };
  } catch (error) {
    formError(error.message);
    return null;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (evaluateForm()) {
    $("plan").scrollIntoView({ block: "start" });
    $("plan").focus({ preventScroll: true });
  }
});

$("save").addEventListener("click", async () => {
  const made = evaluateForm();
  if (!made) return;
  if (!store.available()) {
    formError(texts.no_crypto);
    return;
  }
  const owner = (await store.getMeta("owner")) || null;
  await store.add(crypto.randomUUID(), owner, {
    language: config.language,
    request: made.request,
    consent_to_referral: made.consent,
    assessment: made.result.assessment,
  });
  form.reset();
  $("queue-status").textContent = texts.queued;
  await showQueue();
  $("queue").scrollIntoView({ block: "start" });
  sync();
});

async function showQueue(status) {
  const records = store.available() ? await store.list() : [];
  $("queue").hidden = records.length === 0 && !status;
  if (status) $("queue-status").textContent = status;
  const owner = await store.getMeta("owner").catch(() => null);
  $("queue-list").replaceChildren(
    ...records
      .sort((a, b) => a.made_at.localeCompare(b.made_at))
      .map((record) => {
        const item = el("li", "queued");
        const when = new Date(record.made_at).toLocaleString(config.language);
        item.append(el("span", "when", `${texts.saved_at}: ${when}`), " — ");
        if (record.error) {
          item.append(el("span", "error", `${texts.refused} ${record.error}`), " ");
          const discard = el("button", "button secondary", texts.discard);
          discard.type = "button";
          discard.addEventListener("click", async () => {
            await store.remove(record.id);
            showQueue();
          });
          item.append(discard);
        } else if (owner && record.owner && record.owner !== owner) {
          item.append(el("span", "state", texts.other_user));
        } else {
          item.append(el("span", "state", texts.waiting || ""));
        }
        return item;
      }),
  );
  return records;
}

function csrfToken() {
  const name = `${config.csrf_cookie}=`;
  const cookie = document.cookie.split("; ").find((part) => part.startsWith(name));
  return cookie ? decodeURIComponent(cookie.slice(name.length)) : "";
}

function needsSignIn(yes) {
  $("sign-in").hidden = !yes;
  if (yes) $("queue-status").textContent = texts.sign_in;
}

// Who is signed in now (null when nobody: signed out or the session expired).
async function whoami() {
  const response = await fetch(config.urls.whoami, {
    credentials: "same-origin",
    cache: "no-store",
    redirect: "manual",
    headers: { Accept: "application/json" },
  });
  if (!response.ok || response.type !== "basic") return null;
  const body = await response.json().catch(() => null);
  return body && body.owner ? body.owner : null;
}

async function send(record, owner) {
  const payload = await store.decrypt(record);
  const response = await fetch(`${config.urls.store}?lang=${payload.language}`, {
    method: "POST",
    credentials: "same-origin",
    redirect: "manual",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "Accept-Language": payload.language,
      "X-CSRFToken": csrfToken(),
    },
    body: JSON.stringify({
      ...payload.request,
      consent_to_referral: payload.consent_to_referral,
      client_uuid: record.id,
    }),
  });
  if (response.status === 200 || response.status === 201) {
    await store.remove(record.id);
    return "sent";
  }
  if (response.type !== "basic" || response.status === 401 || response.status === 403) {
    return "sign_in";
  }
  if (response.status === 400 || response.status === 409) {
    const body = await response.json().catch(() => ({}));
    await store.markError(record.id, JSON.stringify(body));
    return "refused";
  }
  return "later";
}

// One sync at a time; a request for one while it runs (the network just came back) runs
// another right after it.
export async function sync() {
  if (!store.available()) return;
  if (syncing) {
    syncAgain = true;
    return;
  }
  syncing = true;
  try {
    do {
      syncAgain = false;
      await syncOnce();
    } while (syncAgain);
  } finally {
    syncing = false;
  }
}

async function syncOnce() {
  if (!(await store.exists())) return;
  let records = await store.list();
  if (records.length === 0 || !navigator.onLine) {
    await showQueue();
    return;
  }
  const owner = await whoami().catch(() => null);
  if (!owner) {
    needsSignIn(true);
    await showQueue();
    return;
  }
  needsSignIn(false);
  await store.setMeta("owner", owner);
  let sent = 0;
  for (const record of records) {
    if (record.error) continue;
    if (record.owner && record.owner !== owner) continue;
    const outcome = await send(record, owner).catch(() => "later");
    if (outcome === "sent") sent += 1;
    if (outcome === "sign_in") {
      needsSignIn(true);
      break;
    }
    if (outcome === "later") break;
  }
  records = await showQueue();
  if (sent && records.length === 0) {
    $("queue").hidden = false;
    $("queue-status").textContent = texts.sent;
  }
}

$("send-now").addEventListener("click", () => sync());
window.addEventListener("online", () => {
  showNetwork();
  sync();
});
window.addEventListener("offline", showNetwork);
setInterval(() => {
  if (navigator.onLine) sync();
}, 30000);

showNetwork();
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(config.urls.sw, { scope: config.urls.scope }).catch(() => null);
}
try {
  await loadData();
  document.body.dataset.ready = "true";
} catch (error) {
  formError(error.message);
}
if (navigator.onLine && store.available()) {
  const owner = await whoami().catch(() => null);
  if (owner) await store.setMeta("owner", owner);
}
await showQueue();
sync();

// The screening engine in the browser (and under node): the same evaluation as
// src/qorgan/screening/engine.py, reading the engine data that the server builds from the same
// sources (screening/offline_data.py: the rules' and notes' conditions of screening/rules.py,
// the catalogue's texts, notes.yaml, regions and countries). Nothing here names a sign, a rule
// or a step: the data does. tests/test_offline_engine.py checks that both engines give the same
// result for the vignettes and for thousands of random requests.
//
// A plain ES module with no dependencies and no build step.

export const FORMAT = 1;

const REQUEST_FIELDS = new Set([
  "screened_by",
  "reported_to_102",
  "location",
  "person",
  "signs",
  "risk_groups",
  "places",
  "physical_injuries",
  "accepts_help",
]);
const PERSON_FIELDS = new Set(["age", "minor", "sex", "citizenship"]);
const LOCATION_FIELDS = new Set(["country", "region"]);
const ELEMENT_FIELDS = ["signs", "risk_groups", "places"];
const ELEMENT_KIND = { signs: "sign", risk_groups: "risk group", places: "place" };

export class ScreeningInputError extends Error {
  constructor(errors) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.errors = errors;
  }
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isBool = (v) => v === true || v === false;

// A prepared engine for one bundle: lookups built once.
export function prepare(data) {
  if (!data || data.format !== FORMAT) {
    throw new Error(`engine data format ${data && data.format} is not ${FORMAT}`);
  }
  if (data._prepared) return data._prepared;
  const prepared = {
    data,
    subjectKinds: new Set(data.subject_kinds),
    countries: new Set(data.countries),
    codes: Object.fromEntries(ELEMENT_FIELDS.map((f) => [f, new Set(data.codes[f])])),
    rulesByTrack: {},
  };
  for (const rule of data.rules) {
    (prepared.rulesByTrack[rule.track] ||= []).push(rule);
  }
  Object.defineProperty(data, "_prepared", { value: prepared, enumerable: false });
  return prepared;
}

// --- Conditions (screening/rules.py: holds) ----------------------------------------------

export function holds(condition, facts) {
  if (typeof condition === "string") return facts[condition] === true;
  if ("is" in condition) {
    const [name, wanted] = condition.is;
    const value = facts[name];
    if (wanted === null || isBool(wanted)) return value === wanted;
    return typeof value === "string" && value === wanted;
  }
  if ("not" in condition) return !holds(condition.not, facts);
  if ("all" in condition) return condition.all.every((c) => holds(c, facts));
  if ("any" in condition) return condition.any.some((c) => holds(c, facts));
  throw new Error(`unknown condition ${JSON.stringify(condition)}`);
}

// --- Parsing and validation (engine.py: parse_request) ------------------------------------

function has(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function get(obj, key, fallback) {
  return has(obj, key) ? obj[key] : fallback;
}

export function regionCode(prepared, value) {
  let code = value.trim().toUpperCase();
  if (!code.startsWith("KZ-")) code = `KZ-${code}`;
  return has(prepared.data.regions, code) ? prepared.data.regions[code] : null;
}

function parseLocation(prepared, raw, errors) {
  if (raw === undefined || raw === null) return ["KZ", null];
  if (!isObject(raw)) {
    errors.push({ field: "location", message: "must be an object with country and region" });
    return ["KZ", null];
  }
  for (const key of Object.keys(raw).sort()) {
    if (!LOCATION_FIELDS.has(key)) errors.push({ field: `location.${key}`, message: "unknown field" });
  }
  let country = get(raw, "country", "KZ");
  if (typeof country !== "string" || !prepared.countries.has(country.trim().toUpperCase())) {
    errors.push({ field: "location.country", message: "must be an ISO 3166-1 alpha-2 country code" });
    return ["KZ", null];
  }
  country = country.trim().toUpperCase();
  const region = get(raw, "region", null);
  if (region === null || region === "") return [country, null];
  if (typeof region !== "string") {
    errors.push({ field: "location.region", message: "must be an ISO 3166-2:KZ code or null" });
    return [country, null];
  }
  if (country !== "KZ") {
    errors.push({
      field: "location.region",
      message: "is a region of Kazakhstan: give it only when location.country is KZ",
    });
    return [country, null];
  }
  const normalized = regionCode(prepared, region);
  if (normalized === null) {
    errors.push({ field: "location.region", message: `unknown ISO 3166-2:KZ region ${region}` });
    return [country, null];
  }
  return [country, normalized];
}

function parsePerson(prepared, raw, errors) {
  const person = { age: null, minor: null, sex: "unknown", citizenship: "unknown" };
  if (raw === undefined || raw === null) return person;
  if (!isObject(raw)) {
    errors.push({ field: "person", message: "must be an object with age, minor, sex and citizenship" });
    return person;
  }
  for (const key of Object.keys(raw).sort()) {
    if (!PERSON_FIELDS.has(key)) errors.push({ field: `person.${key}`, message: "unknown field" });
  }
  const maxAge = prepared.data.max_age;
  let age = get(raw, "age", null);
  if (age !== null && !(Number.isInteger(age) && age >= 0 && age <= maxAge)) {
    errors.push({ field: "person.age", message: `must be a whole number from 0 to ${maxAge}, or null` });
    age = null;
  }
  let minor = get(raw, "minor", null);
  if (minor !== null && !isBool(minor)) {
    errors.push({ field: "person.minor", message: "must be true, false or null" });
    minor = null;
  }
  let sex = get(raw, "sex", "unknown");
  if (sex === null) sex = "unknown";
  if (!prepared.data.sexes.includes(sex)) {
    errors.push({ field: "person.sex", message: `must be one of ${prepared.data.sexes.join(", ")}` });
    sex = "unknown";
  }
  let citizenship = get(raw, "citizenship", "unknown");
  if (citizenship === null) citizenship = "unknown";
  const citizenshipError = "must be KZ, an ISO 3166-1 alpha-2 code, stateless or unknown";
  if (typeof citizenship !== "string") {
    errors.push({ field: "person.citizenship", message: citizenshipError });
    citizenship = "unknown";
  } else if (citizenship !== "stateless" && citizenship !== "unknown") {
    if (!prepared.countries.has(citizenship.trim().toUpperCase())) {
      errors.push({ field: "person.citizenship", message: citizenshipError });
      citizenship = "unknown";
    } else {
      citizenship = citizenship.trim().toUpperCase();
    }
  }
  return { age, minor, sex, citizenship };
}

export function parseRequest(data, raw) {
  const prepared = prepare(data);
  const errors = [];
  if (!isObject(raw)) throw new ScreeningInputError([{ field: "request", message: "must be a JSON object" }]);
  for (const key of Object.keys(raw).sort()) {
    if (!REQUEST_FIELDS.has(key)) errors.push({ field: key, message: "unknown field" });
  }
  const screenedBy = get(raw, "screened_by", null);
  if (screenedBy === null) {
    errors.push({ field: "screened_by", message: "is required: the code of the screening subject's kind" });
  } else if (typeof screenedBy !== "string" || !prepared.subjectKinds.has(screenedBy)) {
    errors.push({ field: "screened_by", message: `unknown subject kind ${screenedBy}` });
  }
  const reported = get(raw, "reported_to_102", false);
  if (!isBool(reported)) errors.push({ field: "reported_to_102", message: "must be true or false" });
  const [country, region] = parseLocation(prepared, get(raw, "location", null), errors);
  const person = parsePerson(prepared, get(raw, "person", null), errors);
  const elements = {};
  for (const name of ELEMENT_FIELDS) {
    let list = get(raw, name, []);
    if (list === null) list = [];
    if (!Array.isArray(list)) {
      errors.push({ field: name, message: "must be a list of codes" });
      elements[name] = [];
      continue;
    }
    const seen = [];
    list.forEach((code, index) => {
      if (typeof code !== "string") {
        errors.push({ field: `${name}[${index}]`, message: "must be a code (text)" });
      } else if (!prepared.codes[name].has(code)) {
        errors.push({ field: `${name}[${index}]`, message: `unknown ${ELEMENT_KIND[name]} code ${code}` });
      } else if (!seen.includes(code)) {
        seen.push(code);
      }
    });
    elements[name] = seen;
  }
  const injuries = get(raw, "physical_injuries", false);
  if (!isBool(injuries)) errors.push({ field: "physical_injuries", message: "must be true or false" });
  const accepts = get(raw, "accepts_help", null);
  if (accepts !== null && !isBool(accepts)) {
    errors.push({ field: "accepts_help", message: "must be true, false or null" });
  }
  if (errors.length) throw new ScreeningInputError(errors);
  return {
    screened_by: screenedBy,
    country,
    region,
    person,
    signs: elements.signs,
    risk_groups: elements.risk_groups,
    places: elements.places,
    physical_injuries: injuries,
    accepts_help: accepts,
    reported_to_102: reported,
  };
}

// The request in the contract's shape, normalized (engine.py: ScreeningRequest.as_dict).
export function requestAsDict(request) {
  return {
    screened_by: request.screened_by,
    reported_to_102: request.reported_to_102,
    location: { country: request.country, region: request.region },
    person: { ...request.person },
    signs: [...request.signs],
    risk_groups: [...request.risk_groups],
    places: [...request.places],
    physical_injuries: request.physical_injuries,
    accepts_help: request.accepts_help,
  };
}

// --- Evaluation (engine.py: evaluate) -----------------------------------------------------

function assess(request) {
  if (request.signs.length) return "potential_victim";
  if (request.risk_groups.length || request.places.length) return "at_risk";
  return "no_indication";
}

function isMinor(person) {
  if (person.minor !== null) return person.minor;
  if (person.age !== null) return person.age < 18;
  return null;
}

function factsOf(request) {
  const citizenship = request.person.citizenship;
  return {
    minor: isMinor(request.person),
    female: request.person.sex === "female",
    injuries: request.physical_injuries,
    accepts_help: request.accepts_help,
    reported_to_102: request.reported_to_102 && request.screened_by === "police",
    kz_citizen: citizenship === "KZ",
    foreign_citizen: !["KZ", "stateless", "unknown"].includes(citizenship),
    stateless: citizenship === "stateless",
  };
}

function trackOf(request) {
  if (request.country !== "KZ") return "mission";
  return request.screened_by === "police" ? "police" : "subject";
}

function copy(value) {
  return JSON.parse(JSON.stringify(value));
}

function exploitationForms(data, request) {
  const pointing = new Map();
  for (const code of [...request.signs, ...request.places]) {
    for (const form of data.forms_of[code] || []) {
      if (!pointing.has(form)) pointing.set(form, []);
      pointing.get(form).push(code);
    }
  }
  const ordered = data.form_order.filter((form) => pointing.has(form));
  const basis = ordered.map((form) => ({
    form,
    text: data.form_text[form],
    evidence: pointing.get(form),
  }));
  return [ordered, basis];
}

export function evaluate(data, request) {
  const prepared = prepare(data);
  const assessment = assess(request);
  const track = trackOf(request);
  const facts = factsOf(request);
  const evidence = {};
  for (const name of ELEMENT_FIELDS) {
    evidence[name] = request[name].map((code) => copy(data.evidence[code]));
  }
  const [forms, basis] = exploitationForms(data, request);
  let actions = [];
  if (assessment === "potential_victim") {
    actions = (prepared.rulesByTrack[track] || [])
      .filter((rule) => holds(rule.when, facts))
      .map((rule) => copy(rule.action));
  }
  const noteFacts = {
    assessment,
    track,
    screened_by: request.screened_by,
    minor: facts.minor,
    citizenship: request.person.citizenship,
    accepts_help: request.accepts_help,
    stateless: facts.stateless,
    reported_to_102: request.reported_to_102,
    no_form_named: request.signs.length + request.places.length > 0 && basis.length === 0,
  };
  const notes = data.notes
    .filter((note) => holds(note.when, noteFacts))
    .map((note) => ({ code: note.code, text: note.text }));
  return {
    assessment,
    exploitation_forms: forms,
    evidence,
    actions,
    track,
    exploitation_basis: basis,
    notes,
    catalogue_version: data.catalogue_version,
  };
}

// Validate a request (the contract's JSON) and evaluate it (engine.py: screen).
export function screen(data, raw) {
  return evaluate(data, parseRequest(data, raw));
}

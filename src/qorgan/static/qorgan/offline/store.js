// The device's queue of screenings waiting to be sent (docs/offline.md).
//
// IndexedDB database "qorgan-offline": "queue" holds each screening encrypted with AES-GCM
// (a fresh 12-byte IV each), "keys" holds the key, made here with extractable=false: the
// browser encrypts and decrypts with it but no script can read it out. "meta" holds the
// owner tag of the worker last signed in (a digest, not a name). Nothing else is kept.

const DB_NAME = "qorgan-offline";
const KEY_ID = "queue-key";

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function open() {
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore("keys");
    db.createObjectStore("meta");
    db.createObjectStore("queue", { keyPath: "id" });
  };
  return promised(request);
}

async function withStore(name, mode, work) {
  const db = await open();
  try {
    const tx = db.transaction(name, mode);
    const result = await work(tx.objectStore(name));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result;
  } finally {
    db.close();
  }
}

export function available() {
  return Boolean(globalThis.indexedDB && globalThis.crypto && crypto.subtle);
}

async function queueKey() {
  const existing = await withStore("keys", "readonly", (s) => promised(s.get(KEY_ID)));
  if (existing) return existing;
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
  await withStore("keys", "readwrite", (s) => promised(s.add(key, KEY_ID))).catch(() => null);
  // Another tab may have made one at the same moment: use whichever was stored.
  return withStore("keys", "readonly", (s) => promised(s.get(KEY_ID)));
}

export async function add(id, owner, payload) {
  const key = await queueKey();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(payload));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plain);
  const record = { id, owner, made_at: new Date().toISOString(), iv, data, error: null };
  await withStore("queue", "readwrite", (s) => promised(s.put(record)));
  return record;
}

export function list() {
  return withStore("queue", "readonly", (s) => promised(s.getAll()));
}

export async function count() {
  return withStore("queue", "readonly", (s) => promised(s.count()));
}

export async function decrypt(record) {
  const key = await queueKey();
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: record.iv }, key, record.data);
  return JSON.parse(new TextDecoder().decode(plain));
}

export function remove(id) {
  return withStore("queue", "readwrite", (s) => promised(s.delete(id)));
}

export async function markError(id, error) {
  return withStore("queue", "readwrite", async (s) => {
    const record = await promised(s.get(id));
    if (record) {
      record.error = error;
      await promised(s.put(record));
    }
  });
}

export function getMeta(name) {
  return withStore("meta", "readonly", (s) => promised(s.get(name)));
}

export function setMeta(name, value) {
  return withStore("meta", "readwrite", (s) => promised(s.put(value, name)));
}

// Everything on the device goes: the queue, its key and the owner tag.
export function wipe() {
  return promised(indexedDB.deleteDatabase(DB_NAME));
}

// Whether the database exists at all, without making it (where the browser can tell).
export async function exists() {
  if (!globalThis.indexedDB) return false;
  if (!indexedDB.databases) return true;
  const names = (await indexedDB.databases()).map((db) => db.name);
  return names.includes(DB_NAME);
}

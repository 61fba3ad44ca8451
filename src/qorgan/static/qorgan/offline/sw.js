// The offline app's service worker (served by screening/offline.py with CONFIG before this).
// It keeps only the app: its page (no personal data in it), its static files and the engine
// data. It never keeps an API answer, a case page or anything else: every other request goes
// to the network untouched.

const PREFIX = `qorgan-offline-${CONFIG.language}-`;
const CACHE = `${PREFIX}${CONFIG.version}`;
const STATIC = new Set(CONFIG.static);

async function keep(cache, url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
    if (response.ok && response.type === "basic") await cache.put(url, response);
  } catch (error) {
    // Offline while installing: the next visit online fills the cache.
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all([CONFIG.shell, CONFIG.data, ...CONFIG.static].map((url) => keep(cache, url)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// The page and the data: the network first (a fresh page when online), the kept copy offline.
async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === CONFIG.shell) {
    event.respondWith(networkFirst(request, CONFIG.shell));
  } else if (url.pathname === CONFIG.data) {
    event.respondWith(networkFirst(request, CONFIG.data));
  } else if (STATIC.has(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

// What the tablet keeps in IndexedDB: the queue of inspections and photos waiting to be
// sent, the inspection orders read (to work offline), inspections in progress
// (drafts) and golden-sample thumbnails. Every record has its key in `key`.
const NAME = "lotgate";
const STORES = ["queue", "orders", "drafts", "thumbs"];
let opened = null;

function db() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, 1);
      req.onupgradeneeded = () => {
        for (const s of STORES) {
          if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s, { keyPath: "key" });
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opened;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
  });
}

function result(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function get(store, key) {
  const tx = (await db()).transaction(store);
  return result(tx.objectStore(store).get(key));
}

export async function all(store) {
  const tx = (await db()).transaction(store);
  return result(tx.objectStore(store).getAll());
}

export async function put(store, value) {
  const tx = (await db()).transaction(store, "readwrite");
  tx.objectStore(store).put(value);
  return done(tx);
}

export async function remove(store, key) {
  const tx = (await db()).transaction(store, "readwrite");
  tx.objectStore(store).delete(key);
  return done(tx);
}

/**
 * One transaction over several stores: `puts` and `removes` are lists of [store, value]
 * and [store, key]. Either all happen or none (a finished inspection enters the queue
 * and leaves the drafts together).
 */
export async function change(puts, removes = []) {
  const names = [...new Set([...puts.map((p) => p[0]), ...removes.map((r) => r[0])])];
  const tx = (await db()).transaction(names, "readwrite");
  for (const [s, v] of puts) tx.objectStore(s).put(v);
  for (const [s, k] of removes) tx.objectStore(s).delete(k);
  return done(tx);
}

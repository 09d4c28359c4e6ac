// Whether Node has loaded its internal undici (fetch, Request, Response, Headers), read from the
// list of built-in modules this process has loaded (undocumented, present on Node 20, 22 and 24).
export function undiciLoaded() {
  const list = process.moduleLoadList;
  if (!Array.isArray(list)) throw new Error('process.moduleLoadList is gone from this Node: find another way to tell whether undici was loaded');
  return list.includes('NativeModule internal/deps/undici/undici');
}

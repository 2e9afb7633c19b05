// Solves a feedback challenge off the main thread: finds the first decimal nonce such that
// SHA-256(token + ":" + nonce) starts with `difficulty` zero bits. Posts {progress: tries}
// now and then, and {nonce} at the end.
interface Job { token: string; difficulty: number }

function leadingZeroBits(bytes: Uint8Array): number {
  let n = 0
  for (const b of bytes) {
    if (b === 0) { n += 8; continue }
    return n + Math.clz32(b) - 24
  }
  return n
}

self.onmessage = async (e: MessageEvent<Job>) => {
  const { token, difficulty } = e.data
  const enc = new TextEncoder()
  for (let nonce = 0; ; nonce++) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(`${token}:${nonce}`)))
    if (leadingZeroBits(digest) >= difficulty) {
      self.postMessage({ nonce: String(nonce), tries: nonce + 1 })
      return
    }
    if (nonce % 4096 === 4095) self.postMessage({ progress: nonce + 1 })
  }
}

import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npx vite` serves the UI with hot reload and forwards the API to a running
// `planwatch serve` (PW_API, default http://127.0.0.1:8057).
export default defineConfig({
  plugins: [vue()],
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/api': process.env.PW_API ?? 'http://127.0.0.1:8057' },
  },
})

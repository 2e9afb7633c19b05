import { createApp } from 'vue'
import App from './App.vue'
import { setUnauthenticatedHandler } from './api'
import { addMessages } from './i18n'
import core from './i18n/core'
import { router } from './router'
import { forgetSession } from './session'
import './styles.css'

addMessages(core)
setUnauthenticatedHandler(() => {
  forgetSession()
  const here = router.currentRoute.value
  if (!here.meta.public) void router.push({ name: 'login', query: { next: here.fullPath } })
})
createApp(App).use(router).mount('#app')

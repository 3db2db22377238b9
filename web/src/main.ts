import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import './style.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { setOnUnauthorized } from './api/client'
import { me } from './session'

setOnUnauthorized(() => {
  me.session = null
  if (router.currentRoute.value.name !== 'login') router.push({ name: 'login' })
})

createApp(App).use(router).use(i18n).mount('#app')

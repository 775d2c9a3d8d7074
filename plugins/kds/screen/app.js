// The kitchen screen: a live ticket board over the `/kitchen` socket namespace. No build step;
// socket.io's own browser client is served by the engine next to this file.
import { io } from '/kitchen/vendor/socket.io.esm.min.js'

const OPEN = ['placed', 'accepted', 'preparing']
const AUTH_ERRORS = /^(OO_UNAUTHENTICATED|OO_FORBIDDEN|OO_TOKEN_INVALID|OIDC_|TENANCY_)/

const state = {
  tickets: new Map(),
  seq: null, // highest contiguous event sequence applied
  ahead: new Set(), // sequences seen above `seq` (an event overtook another)
  settings: { stations: [], ageing: { warnMinutes: 5, lateMinutes: 8 } },
  clockOffset: 0,
  station: localStorage.getItem('kds.station') || 'all',
  fresh: new Map(),
  audio: null,
  wakeLock: null,
}

const $ = (id) => document.getElementById(id)

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v)
    else if (v !== undefined && v !== null && v !== false)
      node.setAttribute(k, v === true ? '' : String(v))
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child)
  return node
}

/** A provisioning link may carry a token in the fragment (never sent to the server); else the cookie session. */
function takeToken() {
  const match = /[#&]token=([^&]+)/.exec(location.hash)
  if (match) {
    sessionStorage.setItem('kds.token', decodeURIComponent(match[1]))
    history.replaceState(null, '', location.pathname)
  }
  return sessionStorage.getItem('kds.token')
}

const token = takeToken()
// WebSocket first (no long-poll requests holding connections open), polling as the fallback.
const socket = io('/kitchen', {
  auth: token ? { token } : {},
  withCredentials: true,
  transports: ['websocket', 'polling'],
  reconnectionDelayMax: 3000,
})

function setOnline(online) {
  $('offline').hidden = online
  $('status').textContent = online ? 'live' : 'offline'
  $('status').classList.toggle('online', online)
}

socket.on('connect', () => {
  setOnline(true)
  void sync()
})
socket.on('disconnect', (reason) => {
  setOnline(false)
  // A server shutting down disconnects us on purpose; socket.io does not retry that by itself.
  if (reason === 'io server disconnect')
    setTimeout(() => socket.connect(), 1500 + Math.random() * 1500)
})
socket.on('connect_error', (err) => {
  setOnline(false)
  const code = err?.data?.code
  if (code && AUTH_ERRORS.test(code)) {
    $('signin-message').textContent =
      code === 'OO_FORBIDDEN'
        ? 'This account may not open the kitchen screen.'
        : 'Sign in to open the kitchen screen.'
    $('start').hidden = true
    $('signin').hidden = false
    return
  }
  if (!socket.active) setTimeout(() => socket.connect(), 2000)
})
socket.on('ticket:created', (ticket) => apply(ticket, true))
socket.on('ticket:updated', (ticket) => apply(ticket, false))
socket.on('kitchen:settings', (settings) => {
  state.settings = settings
  renderStations()
  render()
})

async function sync() {
  let reply
  try {
    reply = await socket
      .timeout(10_000)
      .emitWithAck('kitchen:sync', state.seq === null ? {} : { since: state.seq })
  } catch {
    return
  }
  if (!reply?.ok) return
  state.settings = reply.settings
  state.clockOffset = Date.parse(reply.serverTime) - Date.now()
  if (reply.mode === 'snapshot') {
    const known = new Set(state.tickets.keys())
    state.tickets.clear()
    for (const ticket of reply.tickets) {
      state.tickets.set(ticket.orderId, ticket)
      if (state.seq !== null && !known.has(ticket.orderId) && OPEN.includes(ticket.status))
        markNew(ticket.orderId)
    }
  } else {
    for (const event of reply.events) place(event.ticket, event.type === 'ticket:created')
  }
  state.seq = Math.max(state.seq ?? 0, reply.seq)
  state.ahead = new Set([...state.ahead].filter((s) => s > state.seq))
  renderStations()
  render()
}

function place(ticket, isNew) {
  const current = state.tickets.get(ticket.orderId)
  if (current && current.seq >= ticket.seq) return false
  state.tickets.set(ticket.orderId, ticket)
  if (isNew && !current) markNew(ticket.orderId)
  return true
}

let gapTimer
function apply(ticket, isNew) {
  if (!place(ticket, isNew)) return
  if (state.seq !== null) {
    state.ahead.add(ticket.seq)
    while (state.ahead.has(state.seq + 1)) state.ahead.delete(++state.seq)
    clearTimeout(gapTimer)
    // An event that overtook another: if the missing one does not arrive, ask for it.
    if (state.ahead.size) gapTimer = setTimeout(() => void sync(), 1500)
  }
  render()
}

function markNew(orderId) {
  state.fresh.set(orderId, Date.now())
  beep()
}

function beep() {
  const ctx = state.audio
  if (!ctx) return
  const osc = ctx.createOscillator()
  const gain = ctx.createGain()
  osc.frequency.value = 880
  gain.gain.setValueAtTime(0.0001, ctx.currentTime)
  gain.gain.exponentialRampToValueAtTime(0.4, ctx.currentTime + 0.02)
  gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35)
  osc.connect(gain).connect(ctx.destination)
  osc.start()
  osc.stop(ctx.currentTime + 0.4)
}

async function keepAwake() {
  try {
    if ('wakeLock' in navigator && document.visibilityState === 'visible')
      state.wakeLock = await navigator.wakeLock.request('screen')
  } catch {
    // Refused (battery saver, no permission): the screen may dim, nothing else changes.
  }
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.audio) void keepAwake()
})

async function act(event, payload) {
  try {
    const reply = await socket.timeout(10_000).emitWithAck(event, payload)
    if (reply.ok) apply(reply.ticket, false)
    else $('status').textContent = reply.error?.message ?? 'refused'
  } catch {
    $('status').textContent = 'no answer — offline?'
  }
}

function visibleItems(ticket) {
  if (state.station === 'all') return ticket.items
  return ticket.items.filter((i) => i.stations.length === 0 || i.stations.includes(state.station))
}

function ageClass(minutes) {
  const { warnMinutes, lateMinutes } = state.settings.ageing
  return minutes >= lateMinutes ? 'late' : minutes >= warnMinutes ? 'warn' : 'ok'
}

function ageOf(ticket) {
  const ms = Date.now() + state.clockOffset - Date.parse(ticket.placedAt)
  return Math.max(0, ms / 60_000)
}

function fmtAge(minutes) {
  const total = Math.floor(minutes * 60)
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`
}

function ticketCard(ticket) {
  const items = visibleItems(ticket)
  const minutes = ageOf(ticket)
  const fresh =
    state.fresh.has(ticket.orderId) && Date.now() - state.fresh.get(ticket.orderId) < 10_000
  const ready = ticket.status === 'ready'
  return el(
    'article',
    {
      class: `ticket ${ready ? 'ok' : ageClass(minutes)}${fresh ? ' is-new' : ''}`,
      'data-testid': 'ticket',
      'data-order-id': ticket.orderId,
      'data-number': ticket.number,
      'data-status': ticket.status,
      'data-placed-at': ticket.placedAt,
    },
    el(
      'header',
      {},
      el('span', { class: 'number' }, `#${ticket.number}`),
      el('span', { class: 'label' }, ticket.label ?? ''),
      el('span', { class: 'age' }, ready ? 'ready' : fmtAge(minutes)),
    ),
    ticket.note ? el('div', { class: 'note' }, ticket.note) : null,
    el(
      'ul',
      { class: 'items' },
      items.map((item) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: item.bumpedAt ? 'done' : '',
              disabled: ready,
              'data-testid': 'item',
              onclick: () =>
                act('item:bump', {
                  orderId: ticket.orderId,
                  lineId: item.lineId,
                  undo: Boolean(item.bumpedAt),
                }),
            },
            el('span', { class: 'qty' }, `${item.quantity}×`),
            el('span', {}, item.name),
          ),
        ),
      ),
    ),
    el(
      'div',
      { class: 'actions' },
      ready
        ? el(
            'button',
            {
              type: 'button',
              class: 'button secondary',
              'data-testid': 'recall',
              onclick: () => act('ticket:recall', { orderId: ticket.orderId }),
            },
            'Recall',
          )
        : el(
            'button',
            {
              type: 'button',
              class: 'button',
              'data-testid': 'bump',
              onclick: () => act('ticket:bump', { orderId: ticket.orderId }),
            },
            'Bump',
          ),
    ),
  )
}

function render() {
  const all = [...state.tickets.values()]
  const open = all
    .filter((t) => OPEN.includes(t.status) && visibleItems(t).length)
    .sort((a, b) => Date.parse(a.placedAt) - Date.parse(b.placedAt))
  const ready = all
    .filter((t) => t.status === 'ready')
    .sort((a, b) => b.seq - a.seq)
    .slice(0, 12)
  for (const t of all)
    if (!OPEN.includes(t.status) && t.status !== 'ready') state.tickets.delete(t.orderId)
  $('board').replaceChildren(...open.map(ticketCard))
  $('ready').replaceChildren(...ready.map(ticketCard))
}

function renderStations() {
  const stations = [{ id: 'all', name: 'All' }, ...state.settings.stations]
  if (!stations.some((s) => s.id === state.station)) state.station = 'all'
  $('stations').replaceChildren(
    ...stations.map((s) =>
      el(
        'button',
        {
          type: 'button',
          'aria-pressed': String(s.id === state.station),
          onclick: () => {
            state.station = s.id
            localStorage.setItem('kds.station', s.id)
            renderStations()
            render()
          },
        },
        s.name,
      ),
    ),
  )
}

function tick() {
  $('clock').textContent = new Date(Date.now() + state.clockOffset).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  })
  for (const card of document.querySelectorAll('#board [data-testid="ticket"]')) {
    const ticket = state.tickets.get(card.dataset.orderId)
    if (!ticket) continue
    const minutes = ageOf(ticket)
    card.classList.remove('ok', 'warn', 'late')
    card.classList.add(ageClass(minutes))
    const age = card.querySelector('.age')
    if (age) age.textContent = fmtAge(minutes)
  }
}
setInterval(tick, 1000)

// Browsers allow sound and the wake lock only after a tap: one "start service" tap per shift.
$('start').hidden = false
$('start-button').addEventListener('click', () => {
  const Ctx = window.AudioContext || window.webkitAudioContext
  if (Ctx) state.audio = new Ctx()
  void keepAwake()
  $('start').hidden = true
})
renderStations()
setOnline(false)
$('offline').hidden = true

// Runs the official npm `ollama` client, unchanged, against mock-ollama.
// Usage: node client_check.mjs http://127.0.0.1:PORT
// Prints one JSON object with what each call returned; exits 1 on an unexpected error.
import { Ollama } from 'ollama'

const host = process.argv[2]
const ollama = new Ollama({ host })
const out = {}
const messages = [{ role: 'user', content: 'what is ollama? [[mock: timing=fixed:5 req=node]]' }]

try {
  let text = ''
  let parts = 0
  let done = false
  for await (const part of await ollama.chat({ model: 'deepseek-r1:1.5b', messages, stream: true })) {
    text += part.message.content
    parts += 1
    done = done || part.done
  }
  out.chatStream = { text, parts, done }
  const whole = await ollama.chat({ model: 'deepseek-r1:1.5b', messages, stream: false })
  out.chat = { text: whole.message.content, done: whole.done, evalCount: whole.eval_count }
  let gen = ''
  for await (const part of await ollama.generate({ model: 'qwen2.5:7b', prompt: 'sky? [[mock: timing=zero]]', stream: true })) {
    gen += part.response
  }
  out.generateStream = gen
  const g = await ollama.generate({ model: 'qwen2.5:7b', prompt: 'sky? [[mock: timing=zero]]', stream: false })
  out.generate = { text: g.response, context: g.context.length }
  out.tags = (await ollama.list()).models.map((m) => m.name)
  out.show = Object.keys((await ollama.show({ model: 'qwen2.5:7b' })).model_info).length
  out.version = (await ollama.version()).version
  try {
    await ollama.chat({ model: 'no-such-model', messages })
    out.missing = 'no error'
  } catch (err) {
    out.missing = { name: err.name, status: err.status_code, message: err.message }
  }
  try {
    for await (const part of await ollama.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '[[mock: scenario=error-mid-stream timing=zero]]' }], stream: true })) {
      void part
    }
    out.midStream = 'no error'
  } catch (err) {
    out.midStream = { name: err.name, message: err.message }
  }
} catch (err) {
  console.log(JSON.stringify({ unexpected: String(err && err.stack ? err.stack : err) }))
  process.exit(1)
}
console.log(JSON.stringify(out))

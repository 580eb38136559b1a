// The codec for the tests: the real libbeamcore addon when it is built and loads
// (unless BEAMCORE_TEST_FAKE_WIRE=1), else the test-only fake.
import { createFakeWire } from './fake-wire.js'

const BINDING = new URL('../../../../bindings/node/lib/index.js', import.meta.url)

export async function loadWire () {
  if (process.env.BEAMCORE_TEST_FAKE_WIRE !== '1') {
    try {
      const mod = await import(BINDING.href)
      const wire = (mod.default ?? mod).wire
      if (wire != null) return { wire, real: true }
    } catch (err) {
      process.emitWarning(`libbeamcore addon not loadable (${err.message.split('\n')[0]}); testing with the fake codec`)
    }
  }
  return { wire: createFakeWire(), real: false }
}

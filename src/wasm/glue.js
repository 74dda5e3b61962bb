// The socket's side of the path every message takes: one crossing of the wasm boundary per
// frame instead of one per accessor, since a crossing costs more than the work it carries.

/** A WebSocket `message` listener that hands each binary frame to `receive` as bytes. */
export function binaryFrames(receive) {
  return (event) => {
    // MQTT travels in binary frames only; a text frame carries nothing for the session.
    if (event.data instanceof ArrayBuffer) receive(new Uint8Array(event.data));
  };
}

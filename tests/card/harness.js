// A fake `hass` for the card: records every websocket call, answers from
// window.harness.answers and lets the test push subscription events.
window.harness = {
  calls: [],
  answers: { get: {}, list: { requests: [], total: 0, offset: 0 }, service: {} },
  subscribers: [],
  unsubscribed: 0,
  failSubscribe: null,
  failGet: null,

  makeHass({ isAdmin = false, darkMode = false } = {}) {
    const h = window.harness;
    return {
      user: { is_admin: isAdmin, name: isAdmin ? "Admin" : "Viewer" },
      themes: { darkMode },
      language: "en",
      locale: { language: "en" },
      async callWS(message) {
        h.calls.push(JSON.parse(JSON.stringify(message)));
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (message.type === "status_tracker/requests/get") {
          if (h.failGet) throw { code: "not_found", message: h.failGet };
          const view = h.answers.get[message.request_id];
          if (!view) throw { code: "not_found", message: "No such request" };
          return JSON.parse(JSON.stringify(view));
        }
        if (message.type === "status_tracker/requests/list") {
          return JSON.parse(JSON.stringify(h.answers.list));
        }
        if (message.type === "call_service") {
          const answer = h.answers.service[message.service];
          if (answer && answer.error) throw answer.error;
          return { context: { id: "ctx" }, response: answer || { requests: [] } };
        }
        throw { code: "unknown_command", message: `Unknown command ${message.type}` };
      },
      connection: {
        subscribeMessage(callback, message) {
          h.calls.push(JSON.parse(JSON.stringify(message)));
          if (h.failSubscribe) {
            return Promise.reject({ code: "not_found", message: h.failSubscribe });
          }
          h.subscribers.push(callback);
          return Promise.resolve(() => {
            h.unsubscribed += 1;
            h.subscribers = h.subscribers.filter((cb) => cb !== callback);
          });
        },
      },
    };
  },

  emit(event) {
    for (const callback of window.harness.subscribers) {
      callback(JSON.parse(JSON.stringify(event)));
    }
  },

  async mount(config, options = {}) {
    await customElements.whenDefined("status-tracker-card");
    const card = document.createElement("status-tracker-card");
    card.setConfig(config);
    card.hass = window.harness.makeHass(options);
    document.getElementById("root").appendChild(card);
    await card.updateComplete;
    return true;
  },

  card() {
    return document.querySelector("status-tracker-card");
  },

  async settle() {
    const card = window.harness.card();
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await card.updateComplete;
      for (const row of card.shadowRoot.querySelectorAll("status-tracker-row")) {
        await row.updateComplete;
      }
    }
    return true;
  },
};

// One-page editors (the SER standard page, a member's scoring page, the chair's consensus grid).
// Progressive: each page is one plain form that works without this file. With it, the page
//  - says when there are unsaved changes and warns before leaving them,
//  - keeps a server-side draft as the user types (forms with data-draft-url), retrying after a failure
//    and when a lost connection returns, and
//  - refuses to submit while offline (the typing stays on the page instead of an error page).
(() => {
  const DRAFT_DELAY_MS = 800;
  const RETRY_MS = 4000;

  function setUp(form) {
    const status = form.querySelector("[data-editor-status]");
    const draftUrl = form.dataset.draftUrl;
    let dirty = false;        // typed since the page was loaded (and not submitted)
    let pending = false;      // typed since the last draft the server confirmed
    let inFlight = false;
    let submitting = false;
    let timer = null;

    const say = (key) => {
      if (!status || !form.dataset[key]) return;
      status.textContent = form.dataset[key];
      status.dataset.state = key;
    };

    const schedule = (delay) => {
      clearTimeout(timer);
      timer = setTimeout(saveDraft, delay);
    };

    async function saveDraft() {
      if (!draftUrl || !pending || inFlight) return;
      if (!navigator.onLine) { say("msgOffline"); return; }
      inFlight = true;
      pending = false;
      try {
        const response = await fetch(draftUrl, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        if (!pending) say("msgDraftSaved");
      } catch (error) {
        pending = true;
        say(navigator.onLine ? "msgDraftFailed" : "msgOffline");
        if (navigator.onLine) schedule(RETRY_MS);
      } finally {
        inFlight = false;
        if (pending && navigator.onLine) schedule(DRAFT_DELAY_MS);
      }
    }

    const changed = () => {
      dirty = true;
      pending = true;
      say(navigator.onLine ? "msgUnsaved" : "msgOffline");
      if (draftUrl) schedule(DRAFT_DELAY_MS);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    form.addEventListener("submit", (event) => {
      if (!navigator.onLine) {
        event.preventDefault();
        say("msgOfflineSubmit");
        return;
      }
      submitting = true;
      clearTimeout(timer);
    });

    window.addEventListener("online", () => { if (pending) saveDraft(); else if (dirty) say("msgUnsaved"); });
    window.addEventListener("offline", () => { if (dirty) say("msgOffline"); });
    window.addEventListener("beforeunload", (event) => {
      // With a server-side draft only typing not yet kept is at risk; without one, any unsaved change.
      if (submitting || !(draftUrl ? pending : dirty)) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  document.querySelectorAll("form[data-editor]").forEach(setUp);
})();

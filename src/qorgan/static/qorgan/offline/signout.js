// Sign-out on a device with the offline app's queue (docs/offline.md): the queue and its key
// are wiped when nothing waits; when screenings still wait to be sent, the user chooses first:
// open the offline form to send them, or discard them and sign out.
import * as store from "./store.js";

const dialog = document.getElementById("offline-signout");

async function waiting() {
  if (!store.available() || !(await store.exists())) return 0;
  return store.count();
}

for (const form of document.querySelectorAll("form[data-offline-signout], form[action$='/accounts/logout/']")) {
  form.addEventListener("submit", async (event) => {
    if (form.dataset.confirmed === "true") return;
    event.preventDefault();
    const count = await waiting().catch(() => 0);
    if (count === 0 || !dialog) {
      await store.wipe().catch(() => null);
      form.dataset.confirmed = "true";
      form.submit();
      return;
    }
    dialog.querySelector("[data-count]").textContent = String(count);
    dialog.showModal();
    dialog.querySelector("[data-discard]").onclick = async () => {
      await store.wipe().catch(() => null);
      dialog.close();
      form.dataset.confirmed = "true";
      form.submit();
    };
    dialog.querySelector("[data-cancel]").onclick = () => dialog.close();
  });
}

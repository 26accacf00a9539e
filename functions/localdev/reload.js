// The preview's reload (local mode only, never in the built site): once the site has been
// rebuilt after a change, this page reloads by itself.
(() => {
  const script = document.currentScript;
  const seen = script.dataset.version;
  const wait = new URL("wait", script.src);
  wait.searchParams.set("version", seen);

  const ask = async () => {
    try {
      const answer = await fetch(wait, { cache: "no-store" });
      if (answer.ok) {
        const { version } = await answer.json();
        if (version !== seen) {
          location.reload();
          return;
        }
        ask();
        return;
      }
    } catch {
      // The local mode is stopped or restarting: ask again in a moment.
    }
    setTimeout(ask, 1000);
  };
  ask();
})();

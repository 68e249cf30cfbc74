// Polls a background job's status (core:job_status) and moves its progress bar; reloads the page (or goes to
// data-done-url) when the job has finished. No inline script: the CSP allows only our own files.
(function () {
  "use strict";
  document.querySelectorAll("[data-job-progress]").forEach(function (box) {
    var url = box.getAttribute("data-status-url");
    var doneUrl = box.getAttribute("data-done-url");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-job-status]");
    var count = box.querySelector("[data-job-count]");
    var error = box.querySelector("[data-job-error]");
    var delay = 1000;

    function show(job) {
      bar.value = job.percent;
      status.textContent = job.status_display;
      count.textContent = job.done + " / " + job.total;
      if (job.error) {
        error.textContent = job.error;
        error.hidden = false;
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (job) {
          show(job);
          if (job.finished) {
            if (job.status === "done") { window.location.assign(doneUrl || window.location.href); }
            return;
          }
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          delay = Math.min(delay * 2, 15000);
          window.setTimeout(poll, delay);
        });
    }

    window.setTimeout(poll, delay);
  });
})();

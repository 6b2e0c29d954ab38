// Start GOV.UK Frontend's components (error summary focus, skip link, buttons, navigation).
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();

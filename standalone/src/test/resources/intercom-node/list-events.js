// Drives GET /events with an unmodified npm intercom-client (6.x or 7.x) and prints what it got as one
// JSON line for StandaloneNodeClientIT to check. Settings come from the environment:
// CLIENT_DIR (where npm installed the client), BASE_URL (no trailing slash), TOKEN, USER_ID, EMAIL, LEAD_ID.
"use strict";
const path = require("path");

const dir = path.join(process.env.CLIENT_DIR, "node_modules", "intercom-client");
const { IntercomClient } = require(dir);
const version = require(path.join(dir, "package.json")).version;

// 6.0.0 knows only `environment` (a custom URL is allowed there); later versions prefer `baseUrl`. Both are
// public options; giving both points every version at us.
const client = new IntercomClient({ token: process.env.TOKEN, baseUrl: process.env.BASE_URL, environment: process.env.BASE_URL });
// No retries: a wrong status must show as itself, not as three attempts.
const once = { maxRetries: 0 };

async function failure(call) {
  try {
    await call();
    return { statusCode: 0 };
  } catch (e) {
    return { statusCode: e.statusCode, body: e.body };
  }
}

(async () => {
  const out = { version };
  out.list = await client.events.list({ type: "user", user_id: process.env.USER_ID, per_page: 5 }, once);
  out.byEmail = await client.events.list({ type: "user", email: process.env.EMAIL, per_page: 100 }, once);
  out.lead = await client.events.list({ type: "user", intercom_user_id: process.env.LEAD_ID }, once);
  out.summary = await client.events.list({ type: "user", user_id: process.env.USER_ID, summary: true }, once);
  out.listNotSummary = await client.events.list({ type: "user", user_id: process.env.USER_ID, summary: false, per_page: 1 }, once);
  out.unknown = await failure(() => client.events.list({ type: "user", user_id: "nobody-" + Date.now() }, once));
  out.badPerPage = await failure(() => client.events.list({ type: "user", user_id: process.env.USER_ID, per_page: 1000 }, once));
  console.log("RESULT " + JSON.stringify(out));
})().catch((e) => {
  console.error("FAILED", e && e.statusCode, e && JSON.stringify(e.body), e && e.stack);
  process.exit(1);
});

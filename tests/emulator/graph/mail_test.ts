import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser } from "./graph_token.ts";

const JUNK = "/v1.0/me/mailFolders/junkemail/messages";

Deno.test("junk mail comes newest first with Graph's full message shape", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  const token = await graphToken(emulator, user, { scopes: ["User.Read", "Mail.Read"] });
  const response = await graphRequest(emulator, JUNK, { token });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(
    body["@odata.context"],
    `${emulator.url}/v1.0/$metadata#users('${user.id}')/mailFolders('junkemail')/messages`,
  );
  assert.equal(body.value.length, user.junkEmail.length, "fewer than a page: all of them");
  assert.equal(body["@odata.nextLink"], undefined);
  const received = body.value.map((m: { receivedDateTime: string }) => m.receivedDateTime);
  assert.deepEqual(received, [...received].sort().reverse(), "newest first");
  const newest = user.junkEmail.reduce((a, b) => a.receivedDateTime > b.receivedDateTime ? a : b);
  const first = body.value[0];
  assert.deepEqual(Object.keys(first), [
    "@odata.etag",
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "changeKey",
    "categories",
    "receivedDateTime",
    "sentDateTime",
    "hasAttachments",
    "internetMessageId",
    "subject",
    "bodyPreview",
    "importance",
    "parentFolderId",
    "conversationId",
    "isDeliveryReceiptRequested",
    "isReadReceiptRequested",
    "isRead",
    "isDraft",
    "webLink",
    "inferenceClassification",
    "body",
    "sender",
    "from",
    "toRecipients",
    "ccRecipients",
    "bccRecipients",
    "replyTo",
    "flag",
  ]);
  assert.equal(first.id, newest.id);
  assert.equal(first["@odata.etag"], `W/"${newest.changeKey}"`);
  assert.deepEqual(first.sender, newest.from);
  assert.deepEqual(first.from, newest.from);
  assert.deepEqual(first.flag, { flagStatus: "notFlagged" });
  assert.equal(first.isDraft, false);
  assert.equal(first.inferenceClassification, "other");
  assert.match(first.webLink, /^https:\/\/outlook\.office365\.com\/owa\/\?ItemID=/);
  assert.match(first.receivedDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
});

Deno.test("$top pages with an absolute nextLink that a client follows verbatim", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  assert.equal(user.junkEmail.length, 8);
  const token = await graphToken(emulator, user, { scopes: ["Mail.Read"] });
  const first = await (await graphRequest(
    emulator,
    `${JUNK}?$top=5&$select=subject,from,receivedDateTime`,
    { token },
  )).json();
  assert.equal(
    first["@odata.context"],
    `${emulator.url}/v1.0/$metadata#users('${user.id}')/mailFolders('junkemail')/messages(subject,from,receivedDateTime)`,
  );
  assert.equal(first.value.length, 5);
  assert.equal(
    first["@odata.nextLink"],
    `${emulator.url}${JUNK}?%24top=5&%24select=subject%2cfrom%2creceivedDateTime&%24skip=5`,
  );
  assert.deepEqual(Object.keys(first.value[0]), ["@odata.etag", "id", "receivedDateTime", "subject", "from"]);
  const second = await (await graphRequest(emulator, first["@odata.nextLink"], { token })).json();
  assert.equal(second.value.length, 3);
  assert.equal(second["@odata.nextLink"], undefined, "no nextLink on the last page");
  const ids = [...first.value, ...second.value].map((m: { id: string }) => m.id);
  assert.equal(new Set(ids).size, 8, "pages do not overlap");
  const exact = await (await graphRequest(emulator, `${JUNK}?$top=4&$skip=4`, { token })).json();
  assert.equal(exact.value.length, 4);
  assert.equal(exact["@odata.nextLink"], undefined, "a page ending exactly at the last item has no nextLink");
});

Deno.test("the default page size is 10 and the nextLink then carries it", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 1);
  for (let i = 0; i < 6; i++) user.junkEmail.push({ ...user.junkEmail[0], id: `extra-${i}` });
  const token = await graphToken(emulator, user, { scopes: ["Mail.Read"] });
  const body = await (await graphRequest(emulator, JUNK, { token })).json();
  assert.equal(body.value.length, 10);
  assert.equal(body["@odata.nextLink"], `${emulator.url}${JUNK}?%24top=10&%24skip=10`);
});

Deno.test("$orderby sorts ascending or by subject, and rejects what it cannot sort by", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  const token = await graphToken(emulator, user, { scopes: ["Mail.Read"] });
  const ascending = await (await graphRequest(emulator, `${JUNK}?$orderby=receivedDateTime asc`, { token }))
    .json();
  const times = ascending.value.map((m: { receivedDateTime: string }) => m.receivedDateTime);
  assert.deepEqual(times, [...times].sort());
  const bySubject = await (await graphRequest(emulator, `${JUNK}?$orderby=subject`, { token })).json();
  const subjects = bySubject.value.map((m: { subject: string }) => m.subject);
  assert.deepEqual(subjects, [...subjects].sort());
  const withTop =
    await (await graphRequest(emulator, `${JUNK}?$orderby=receivedDateTime%20desc&$top=2`, { token }))
      .json();
  assert.ok(withTop["@odata.nextLink"].includes("%24orderby=receivedDateTime%20desc"));

  const unknown = await graphErrorOf(await graphRequest(emulator, `${JUNK}?$orderby=colour`, { token }));
  assert.equal(unknown.status, 400);
  assert.equal(unknown.code, "RequestBroker--ParseUri");
  const direction = await graphErrorOf(
    await graphRequest(emulator, `${JUNK}?$orderby=receivedDateTime sideways`, { token }),
  );
  assert.equal(direction.status, 400);
  assert.equal(direction.code, "BadRequest");
});

Deno.test("well-known folder names are case-insensitive; inbox is empty; unknown folders are 404", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  const token = await graphToken(emulator, user, { scopes: ["Mail.Read"] });
  const mixedCase = await graphRequest(emulator, "/v1.0/me/mailFolders/JunkEmail/messages?$top=1", { token });
  assert.equal(mixedCase.status, 200);
  const page = await mixedCase.json();
  assert.equal(page.value.length, 1);
  const byId = await graphRequest(
    emulator,
    `/v1.0/me/mailFolders/${page.value[0].parentFolderId}/messages?$top=1`,
    { token },
  );
  assert.equal(byId.status, 200, "a folder is also reachable by the ID its messages carry");
  await byId.body?.cancel();
  const inbox = await (await graphRequest(emulator, "/v1.0/me/mailFolders/inbox/messages", { token })).json();
  assert.deepEqual(inbox.value, []);
  assert.equal(inbox["@odata.nextLink"], undefined);
  const unknown = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/me/mailFolders/spamfolder/messages", { token }),
  );
  assert.equal(unknown.status, 404);
  assert.equal(unknown.code, "ErrorItemNotFound");
  assert.equal(unknown.message, "The specified object was not found in the store.");
});

Deno.test("a user with an empty junk folder gets an empty value and no nextLink", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 3);
  assert.equal(user.junkEmail.length, 0);
  const token = await graphToken(emulator, user, { scopes: ["Mail.Read"] });
  const response = await graphRequest(emulator, `${JUNK}?$top=5`, { token });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.deepEqual(body.value, []);
  assert.equal("@odata.nextLink" in body, false);
});

Deno.test("mail without a mail scope is 403 ErrorAccessDenied; app-only is 400", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const denied = await graphErrorOf(await graphRequest(emulator, JUNK, { token }));
  assert.equal(denied.status, 403);
  assert.equal(denied.code, "ErrorAccessDenied");
  assert.equal(denied.message, "Access is denied. Check credentials and try again.");
  assert.ok(denied.headers.get("request-id"));
  const appOnly = await graphToken(emulator, null, { roles: ["Mail.Read"] });
  const noUser = await graphErrorOf(await graphRequest(emulator, JUNK, { token: appOnly }));
  assert.equal(noUser.status, 400);
  assert.equal(noUser.code, "BadRequest");
});

Deno.test("Mail.ReadBasic lists messages without their bodies", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["Mail.ReadBasic"] });
  const body = await (await graphRequest(emulator, `${JUNK}?$top=1`, { token })).json();
  assert.equal(body.value.length, 1);
  assert.equal("body" in body.value[0], false);
  assert.equal("bodyPreview" in body.value[0], false);
  assert.equal(typeof body.value[0].subject, "string");
  const selectedBody = await graphErrorOf(await graphRequest(emulator, `${JUNK}?$select=body`, { token }));
  assert.equal(selectedBody.status, 403);
  assert.equal(selectedBody.code, "ErrorAccessDenied");
});

Deno.test("invalid $top, $skip, $select and unsupported options are 400", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["Mail.Read"] });
  for (const top of ["0", "1001", "abc", "-1", "2.5"]) {
    const error = await graphErrorOf(await graphRequest(emulator, `${JUNK}?$top=${top}`, { token }));
    assert.equal(error.status, 400, top);
    assert.equal(error.code, "BadRequest");
    assert.match(error.message, /\$top/);
  }
  const top1000 = await graphRequest(emulator, `${JUNK}?$top=1000`, { token });
  assert.equal(top1000.status, 200);
  await top1000.body?.cancel();
  const skip = await graphErrorOf(await graphRequest(emulator, `${JUNK}?$skip=-3`, { token }));
  assert.equal(skip.status, 400);
  assert.match(skip.message, /\$skip/);
  const select = await graphErrorOf(await graphRequest(emulator, `${JUNK}?$select=subject,x`, { token }));
  assert.equal(select.status, 400);
  assert.equal(select.code, "RequestBroker--ParseUri");
  assert.equal(
    select.message,
    "Could not find a property named 'x' on type 'Microsoft.OutlookServices.Message'.",
  );
  const filter = await graphErrorOf(
    await graphRequest(emulator, `${JUNK}?$filter=isRead eq false`, { token }),
  );
  assert.equal(filter.status, 400);
  assert.match(filter.message, /\$filter/);
});

Deno.test("$skip past the end gives an empty page", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["Mail.Read"] });
  const body = await (await graphRequest(emulator, `${JUNK}?$skip=50`, { token })).json();
  assert.deepEqual(body.value, []);
  assert.equal(body["@odata.nextLink"], undefined);
});

Deno.test("mail for a user deleted after the token was issued is 404 MailboxNotEnabledForRESTAPI", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  const token = await graphToken(emulator, user, { scopes: ["Mail.Read"] });
  emulator.state.directory.users = emulator.state.directory.users.filter((u) => u !== user);
  const error = await graphErrorOf(await graphRequest(emulator, JUNK, { token }));
  assert.equal(error.status, 404);
  assert.equal(error.code, "MailboxNotEnabledForRESTAPI");
});

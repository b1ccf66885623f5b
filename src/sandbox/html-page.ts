/** The small HTML pages simulators show to a person: OAuth, link and consent pages. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto}button{font-size:1rem;margin-right:1rem;padding:.5rem 1.5rem}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The Authorise / Cancel form of a link or consent page: posts `decision=authorise` or
 * `decision=cancel` to `action` (the test drives these buttons by id in a browser).
 */
export function decisionForm(action: string): string {
  return `<form method="post" action="${action}">
          <button type="submit" name="decision" value="authorise" id="authorise">Authorise</button>
          <button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
        </form>`;
}

/** 404 page for a link that names nothing the simulator knows. */
export function unknownLinkPage(): { status: 404; html: string } {
  return { status: 404, html: htmlPage('Unknown link', '<p>This link is not valid.</p>') };
}

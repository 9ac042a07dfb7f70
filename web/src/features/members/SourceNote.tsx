// Says that a membership was granted by the identity provider's group mapping (and what that
// means for changing it); a membership managed in Slipway needs no note.
import type { MemberSource } from "../../gql/graphql";

export function SourceNote({ source }: { source: MemberSource }) {
  if (source !== "IDENTITY_PROVIDER") return null;
  return (
    <span className="muted" title="Follows the person's groups at each sign-in. Changing the role here makes Slipway manage it; removing it lasts until their next sign-in while a group still grants it.">
      {" "}from the identity provider
    </span>
  );
}

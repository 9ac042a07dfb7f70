import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Problem } from "../../lib/errors";
import { EMPTY_ENDPOINT, EndpointForm } from "./EndpointForm";

const validation = (field: string, message: string): Problem => ({ message, code: "VALIDATION", field, rule: null });

describe("the endpoint form", () => {
  it("offers every event and sends the ticked ones in the API's order", async () => {
    const onSubmit = vi.fn().mockResolvedValue(true);
    render(<EndpointForm name="Add" initial={EMPTY_ENDPOINT} submitLabel="Add endpoint" problem={null} onSubmit={onSubmit} clearOnSuccess />);
    const user = userEvent.setup();
    expect(screen.getAllByRole("checkbox")).toHaveLength(8);
    await user.type(screen.getByLabelText("URL"), "https://ci.example.com/hook");
    await user.type(screen.getByLabelText("Description"), "CI");
    await user.click(screen.getByRole("checkbox", { name: /environment\.changed/ }));
    await user.click(screen.getByRole("checkbox", { name: /release\.pending_approval/ }));
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(onSubmit).toHaveBeenCalledWith({
      url: "https://ci.example.com/hook",
      description: "CI",
      events: ["release.pending_approval", "environment.changed"],
    });
    // Taken by the server: a form for a new endpoint starts empty again.
    expect(screen.getByLabelText("URL")).toHaveValue("");
    expect(screen.getByRole("checkbox", { name: /environment\.changed/ })).not.toBeChecked();
  });

  it("keeps what was typed when the server refuses it, and shows why at the field", async () => {
    const onSubmit = vi.fn().mockResolvedValue(false);
    const { rerender } = render(<EndpointForm name="Add" initial={EMPTY_ENDPOINT} submitLabel="Add endpoint" problem={null} onSubmit={onSubmit} clearOnSuccess />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("URL"), "http://hooks.example.com/in");
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    const refused = validation("url", "url: must use https (http is allowed only to localhost)");
    rerender(<EndpointForm name="Add" initial={EMPTY_ENDPOINT} submitLabel="Add endpoint" problem={refused} onSubmit={onSubmit} clearOnSuccess />);
    const url = screen.getByLabelText("URL");
    expect(url).toHaveValue("http://hooks.example.com/in");
    expect(url).toHaveAttribute("aria-invalid", "true");
    expect(url).toHaveAccessibleDescription(/must use https/);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows an events error at the events and other errors as an alert", () => {
    const { rerender } = render(
      <EndpointForm name="Add" initial={EMPTY_ENDPOINT} submitLabel="Add endpoint" problem={validation("events", "events: must name at least one event")} onSubmit={vi.fn()} />,
    );
    expect(screen.getByRole("group", { name: /Events/ })).toHaveAccessibleDescription("events: must name at least one event");
    const forbidden: Problem = { message: "not allowed", code: "FORBIDDEN", field: null, rule: null };
    rerender(<EndpointForm name="Add" initial={EMPTY_ENDPOINT} submitLabel="Add endpoint" problem={forbidden} onSubmit={vi.fn()} />);
    expect(screen.getByRole("alert")).toHaveTextContent("FORBIDDEN");
  });

  it("starts from an endpoint's settings when editing it", async () => {
    const onSubmit = vi.fn().mockResolvedValue(true);
    const initial = { url: "https://ci.example.com/hook", description: "CI", events: ["release.deployed"] };
    render(<EndpointForm name="Edit" initial={initial} submitLabel="Save endpoint" problem={null} onSubmit={onSubmit} />);
    const user = userEvent.setup();
    expect(screen.getByRole("checkbox", { name: /release\.deployed/ })).toBeChecked();
    await user.click(screen.getByRole("checkbox", { name: /release\.deployed/ }));
    await user.click(screen.getByRole("checkbox", { name: /release\.expired/ }));
    await user.click(screen.getByRole("button", { name: "Save endpoint" }));
    expect(onSubmit).toHaveBeenCalledWith({ ...initial, events: ["release.expired"] });
    expect(screen.getByLabelText("URL")).toHaveValue("https://ci.example.com/hook");
  });
});

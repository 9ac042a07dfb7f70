// Reordering environments by drag and drop or by keyboard (Move up / Move down buttons, or
// Alt+Arrow on a focused row), then saving the order in one step.
import { useState, type KeyboardEvent } from "react";

interface Item {
  slug: string;
  name: string;
}

/** Moves the item at `from` to `to`. */
export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

export function EnvironmentOrder({ items, disabled, onSave }: { items: Item[]; disabled: boolean; onSave: (order: string[]) => void }) {
  const [order, setOrder] = useState(items);
  const [dragging, setDragging] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const changed = order.map((i) => i.slug).join() !== items.map((i) => i.slug).join();
  const shift = (from: number, to: number) => {
    const next = move(order, from, to);
    if (next !== order) {
      setOrder(next);
      setAnnouncement(`${order[from]?.name} is now at position ${to + 1} of ${order.length}`);
    }
  };
  const onKey = (event: KeyboardEvent, index: number) => {
    if (!event.altKey) return;
    if (event.key === "ArrowUp") shift(index, index - 1);
    if (event.key === "ArrowDown") shift(index, index + 1);
  };
  return (
    <section aria-labelledby="order-title">
      <h2 id="order-title">Order</h2>
      <p className="muted">Drag a row, or use its buttons (Alt+↑ / Alt+↓ on a focused row).</p>
      <ol className="order" aria-label="Environment order">
        {order.map((item, index) => (
          <li
            key={item.slug}
            tabIndex={0}
            draggable={!disabled}
            data-dragging={dragging === index}
            onKeyDown={(e) => onKey(e, index)}
            onDragStart={() => setDragging(index)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={() => {
              if (dragging !== null) shift(dragging, index);
              setDragging(null);
            }}
            onDragEnd={() => setDragging(null)}
          >
            <span>
              {index + 1}. {item.name} <span className="muted code">{item.slug}</span>
            </span>
            <button type="button" disabled={disabled || index === 0} onClick={() => shift(index, index - 1)} aria-label={`Move ${item.name} up`}>
              ↑
            </button>
            <button type="button" disabled={disabled || index === order.length - 1} onClick={() => shift(index, index + 1)} aria-label={`Move ${item.name} down`}>
              ↓
            </button>
          </li>
        ))}
      </ol>
      <p aria-live="polite" className="muted">
        {announcement}
      </p>
      <button type="button" className="primary" disabled={disabled || !changed} onClick={() => onSave(order.map((i) => i.slug))}>
        Save order
      </button>
    </section>
  );
}

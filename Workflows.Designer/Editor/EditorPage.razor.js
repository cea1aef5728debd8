// The editor page's browser side: Ctrl+Z / Ctrl+Y (Ctrl+Shift+Z) for the command stack, and file downloads.

let handler = null;

export function listen(page) {
    handler = (event) => {
        if (!(event.ctrlKey || event.metaKey)) {
            return;
        }

        // Inside a text field the browser's own undo edits the text being typed (not yet a command).
        const target = event.target;
        if (target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) {
            return;
        }

        const key = event.key.toLowerCase();
        if (key === "z" && !event.shiftKey) {
            event.preventDefault();
            page.invokeMethodAsync("UndoFromKeyboard");
        } else if (key === "y" || (key === "z" && event.shiftKey)) {
            event.preventDefault();
            page.invokeMethodAsync("RedoFromKeyboard");
        }
    };
    document.addEventListener("keydown", handler);
}

export function stop() {
    if (handler) {
        document.removeEventListener("keydown", handler);
        handler = null;
    }
}

export function download(fileName, text) {
    const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
}

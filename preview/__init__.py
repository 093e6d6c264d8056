"""Campaign Preview: render personalized email against real recipients and catch misfires.

The core packages (contract, rendering, checks, sampling, pipeline) never import Flask; the
Flask extension is reached lazily through ``preview.Preview`` so that ``import preview`` stays
cheap for the CLI and batch workers.
"""

__version__ = "0.1.0"

__all__ = ["Preview", "__version__"]


def __getattr__(name):
    # Lazy so that importing the core never pulls in Flask (a test enforces this).
    if name == "Preview":
        from preview.extension import Preview

        return Preview
    raise AttributeError(name)

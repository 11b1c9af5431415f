"""TF Serving extras: warm-up requests, model server configs, a client."""

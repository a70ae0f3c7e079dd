"""Tests of the web app: the REST API and its OpenAPI document."""

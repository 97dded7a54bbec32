"""Specification services: write versions, freeze, publish and withdraw them."""

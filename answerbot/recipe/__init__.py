"""Recipes: one command builds a model end to end (teacher tables -> merge -> distil -> fine-tune -> export)."""

from answerbot.recipe.config import DistillRecipe, FinetuneRecipe, Recipe, TableRecipe, bundled_recipes

__all__ = ["DistillRecipe", "FinetuneRecipe", "Recipe", "TableRecipe", "bundled_recipes"]

"use client";

// Inside the group's layout, so the header stays.
export { default } from "../error";

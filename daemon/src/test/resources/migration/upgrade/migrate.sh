#!/bin/sh
echo upgraded
